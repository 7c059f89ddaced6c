//! Sign-in hardening: tokens a user can end, and throttling counted
//! atomically per username and per (username, client address).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    // Bumped by changePassword and deactivateUser: a token carries the
    // version it was issued under and is refused once it differs.
    "ALTER TABLE app_user ADD COLUMN token_version integer NOT NULL DEFAULT 0",
    // One row per throttled key: `user:<username>` counts every failure for
    // the username, `client:<address>:<username>` those from one address.
    // Times are Unix seconds so both databases compare them the same way.
    "DROP TABLE login_throttle",
    "CREATE TABLE login_throttle (
        throttle_key varchar(200) NOT NULL PRIMARY KEY,
        failures integer NOT NULL,
        window_started_at bigint NOT NULL,
        locked_until bigint NULL
    )",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(
            manager,
            &[
                "DROP TABLE login_throttle",
                "CREATE TABLE login_throttle (
                    username varchar(64) NOT NULL PRIMARY KEY,
                    failures integer NOT NULL,
                    window_started_at timestamp_with_timezone_text NOT NULL,
                    locked_until timestamp_with_timezone_text NULL
                )",
                "ALTER TABLE app_user DROP COLUMN token_version",
            ],
        )
        .await
    }
}
