//! Each business rule of the identity and unit mutations answers with its
//! stable `userErrors` code and changes nothing.

use entity::role_grant::Role;
use phancap::auth::Authority;
use phancap::graphql::NodeKind;
use phancap::users::service as users;
use serde_json::{Value, json};

use crate::helpers::{gid, role_user, spawn_app, today};

#[tokio::test]
async fn each_rule_has_its_code_and_a_refused_write_changes_nothing() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let root = app.token("root").await;
    let admin_id = users::by_username(app.db(), &role_user(Role::Admin))
        .await
        .unwrap()
        .unwrap()
        .id;
    let province = gid(NodeKind::Unit, fixture.inside.id);
    let commune = gid(NodeKind::Unit, fixture.inside.commune);
    let department = gid(NodeKind::Unit, fixture.inside.department);
    let viewer_id = users::by_username(app.db(), &role_user(Role::Viewer))
        .await
        .unwrap()
        .unwrap()
        .id;
    let revoked = {
        let user = app.create_user("formerly", fixture.inside.id, None).await;
        let grant = users::grant_role(
            app.db(),
            Authority::Cli,
            user,
            Role::Viewer,
            fixture.inside.id,
        )
        .await
        .unwrap();
        users::revoke_grant(app.db(), Authority::Cli, grant.id)
            .await
            .unwrap();
        grant.id
    };
    let inactive = {
        let user = app.create_user("inactive", fixture.inside.id, None).await;
        users::deactivate_user(app.db(), Authority::Cli, user)
            .await
            .unwrap();
        user
    };
    let create_unit = "mutation($input: CreateUnitInput!) { createUnit(input: $input) { unit { id } userErrors { field code } } }";
    let update_unit = "mutation($input: UpdateUnitInput!) { updateUnit(input: $input) { unit { id } userErrors { field code } } }";
    let end_unit = "mutation($input: EndUnitInput!) { endUnit(input: $input) { unit { id } userErrors { field code } } }";
    let create_user = "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { field code } } }";
    let grant_role = "mutation($input: GrantRoleInput!) { grantRole(input: $input) { grant { id } userErrors { field code } } }";
    let revoke_grant = "mutation($input: RevokeGrantInput!) { revokeGrant(input: $input) { grant { id } userErrors { field code } } }";
    let deactivate = "mutation($input: DeactivateUserInput!) { deactivateUser(input: $input) { user { id } userErrors { field code } } }";
    let change_password = "mutation($input: ChangePasswordInput!) { changePassword(input: $input) { user { id } userErrors { field code } } }";
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        (
            "createUnit",
            create_unit,
            json!({ "parent": commune, "code": "X-1", "name": "Ban", "adminType": "BAN" }),
            "PARENT_NOT_PROVINCE",
        ),
        (
            "createUnit",
            create_unit,
            json!({ "parent": province, "code": "X-1", "name": "Ban", "adminType": "BAN", "validFrom": "2025-01-01" }),
            "PARENT_NOT_IN_FORCE",
        ),
        (
            "createUnit",
            create_unit,
            json!({ "parent": province, "code": "12345", "name": "Ban", "adminType": "BAN" }),
            "INVALID_CODE",
        ),
        (
            "createUnit",
            create_unit,
            json!({ "parent": province, "code": "X-1", "name": "  ", "adminType": "BAN" }),
            "INVALID_NAME",
        ),
        (
            "createUnit",
            create_unit,
            json!({ "parent": province, "code": "X-1", "name": "Ban", "adminType": "XA" }),
            "INVALID_ADMIN_TYPE",
        ),
        (
            "createUnit",
            create_unit,
            json!({ "parent": province, "code": "19-SNV", "name": "Ban", "adminType": "SO" }),
            "DUPLICATE_CODE",
        ),
        (
            "updateUnit",
            update_unit,
            json!({ "id": commune, "adminType": "PHUONG" }),
            "INVALID_ADMIN_TYPE",
        ),
        (
            "updateUnit",
            update_unit,
            json!({ "id": department }),
            "NOTHING_TO_CHANGE",
        ),
        (
            "endUnit",
            end_unit,
            json!({ "id": province, "validTo": today().to_string() }),
            "HAS_UNITS_IN_FORCE",
        ),
        (
            "endUnit",
            end_unit,
            json!({ "id": department, "validTo": "2020-01-01" }),
            "INVALID_DATE",
        ),
        (
            "createUser",
            create_user,
            json!({ "username": "x", "fullName": "X", "homeUnit": province, "kind": "SERVICE" }),
            "INVALID_USERNAME",
        ),
        (
            "createUser",
            create_user,
            json!({ "username": "root", "fullName": "X", "homeUnit": province, "kind": "SERVICE" }),
            "USERNAME_TAKEN",
        ),
        (
            "createUser",
            create_user,
            json!({ "username": "person", "fullName": "X", "homeUnit": province, "password": "short" }),
            "WEAK_PASSWORD",
        ),
        (
            "createUser",
            create_user,
            json!({ "username": "machine", "fullName": "X", "homeUnit": province, "kind": "SERVICE", "password": "long-enough-pw" }),
            "SERVICE_HAS_NO_PASSWORD",
        ),
        (
            "createUser",
            create_user,
            json!({ "username": "nameless", "fullName": " ", "homeUnit": province, "kind": "SERVICE" }),
            "INVALID_NAME",
        ),
        (
            "grantRole",
            grant_role,
            json!({ "user": gid(NodeKind::User, viewer_id), "role": "VIEWER", "scope": province }),
            "DUPLICATE_GRANT",
        ),
        (
            "grantRole",
            grant_role,
            json!({ "user": gid(NodeKind::User, inactive), "role": "VIEWER", "scope": province }),
            "USER_INACTIVE",
        ),
        (
            "revokeGrant",
            revoke_grant,
            json!({ "grant": gid(NodeKind::RoleGrant, revoked) }),
            "ALREADY_REVOKED",
        ),
        (
            "deactivateUser",
            deactivate,
            json!({ "user": gid(NodeKind::User, inactive) }),
            "ALREADY_INACTIVE",
        ),
        (
            "changePassword",
            change_password,
            json!({ "currentPassword": "wrong-password", "newPassword": "another-password" }),
            "INVALID_CREDENTIALS",
        ),
        (
            "changePassword",
            change_password,
            json!({ "currentPassword": "root-password-1", "newPassword": "short" }),
            "WEAK_PASSWORD",
        ),
    ];
    for (field, query, input, code) in cases {
        let before = app.snapshot().await;
        let body = app
            .graphql_as(&root, query, json!({ "input": input }))
            .await;
        assert!(body["errors"].is_null(), "{field} {code}: {body}");
        assert_eq!(
            body["data"][field]["userErrors"][0]["code"], code,
            "{field}: {body}"
        );
        assert_eq!(
            app.snapshot().await,
            before,
            "{field} {code} changed nothing"
        );
    }
    // Deactivating oneself is refused too (the admin holds ADMIN over its own home).
    let admin = app.token(&role_user(Role::Admin)).await;
    let body = app
        .graphql_as(
            &admin,
            deactivate,
            json!({ "input": { "user": gid(NodeKind::User, admin_id) } }),
        )
        .await;
    assert_eq!(
        body["data"]["deactivateUser"]["userErrors"][0]["code"],
        "CANNOT_DEACTIVATE_SELF"
    );
}
