//! `import-units`: counts, idempotency, all-or-nothing on bad rows, and the
//! command line.

use std::process::Command;

use phancap::units::import::{ImportError, Structure};
use serde_json::json;

use crate::helpers::{TestApp, bundled_rows, spawn_app};

async fn unit_count(app: &TestApp, as_of: &str) -> u64 {
    let body = app
        .graphql(
            "query($asOf: Date) { units(asOf: $asOf, first: 0) { totalCount } }",
            json!({ "asOf": as_of }),
        )
        .await;
    body["data"]["units"]["totalCount"].as_u64().unwrap()
}

#[tokio::test]
async fn importing_the_bundled_data_twice_changes_nothing_the_second_time() {
    let app = spawn_app().await;
    let first = app.import(Structure::Legacy).await;
    assert_eq!(
        (first.created, first.updated, first.unchanged),
        (63 + 696 + 10_035, 0, 0)
    );
    assert_eq!(
        first.lineage, None,
        "no lineage until both structures are loaded"
    );
    let again = app.import(Structure::Legacy).await;
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 0, 10_794)
    );
    assert!(again.changed_nothing());
    assert!(again.to_string().contains("nothing changed"));

    let current = app.import(Structure::Current).await;
    assert_eq!(current.created, 34 + 3_321);
    let lineage = current
        .lineage
        .expect("lineage synced once both are present");
    assert_eq!(lineage.created, 63 + 10_602);
    assert_eq!(lineage.skipped, 0);
    let again = app.import(Structure::Current).await;
    assert!(again.changed_nothing(), "{again}");
    assert_eq!(again.lineage.unwrap().unchanged, 63 + 10_602);
    assert_eq!(unit_count(&app, "2025-06-30").await, 10_794);
    assert_eq!(unit_count(&app, "2025-07-01").await, 3_355);
}

#[tokio::test]
async fn a_bad_row_names_its_line_and_nothing_is_imported() {
    let app = spawn_app().await;
    let csv = "province_code,province_name,commune_code,commune_name,commune_type\n\
               19,Tỉnh Thái Nguyên,01840,Phường Đức Xuân,Phường\n\
               19,Tỉnh Thái Nguyên,01843,Phường Bắc Kạn,Phường\n\
               19,Tỉnh Thái Nguyên,1849,Xã Phong Quang,Xã\n\
               ,,01850,Xã Mồ Côi,Xã\n\
               19,Tỉnh Thái Nguyên,01840,Phường Đức Xuân,Phường\n";
    let Err(ImportError::BadRows { file, rows }) = app.import_csv(Structure::Current, csv).await
    else {
        panic!("bad rows must fail the import");
    };
    assert_eq!(file, "test.csv");
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [4, 5, 6]);
    assert!(
        rows[0].message.contains("malformed commune code \"1849\""),
        "{}",
        rows[0].message
    );
    assert!(
        rows[1].message.contains("malformed province code"),
        "{}",
        rows[1].message
    );
    assert!(
        rows[2]
            .message
            .contains("duplicate commune code 01840 (first on line 2)")
    );
    assert_eq!(
        unit_count(&app, "2025-07-01").await,
        0,
        "the good rows were not kept"
    );
}

#[tokio::test]
async fn a_row_missing_its_district_is_an_unknown_parent() {
    let app = spawn_app().await;
    let csv = "province_code,province_name,district_code,district_name,district_type,commune_code,commune_name,commune_type\n\
               19,Tỉnh Thái Nguyên,164,Thành phố Thái Nguyên,Thành phố,05431,Phường Quan Triều,Phường\n\
               19,Tỉnh Thái Nguyên,,,,05434,Phường Quang Vinh,Phường\n";
    let Err(ImportError::BadRows { rows, .. }) = app.import_csv(Structure::Legacy, csv).await
    else {
        panic!("a row without its district must fail");
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].line, 3);
    assert!(
        rows[0].message.contains("unknown parent"),
        "{}",
        rows[0].message
    );
    assert_eq!(unit_count(&app, "2025-01-01").await, 0);
}

#[tokio::test]
async fn a_rename_is_an_update_and_a_change_of_parent_rolls_back_the_whole_file() {
    let app = spawn_app().await;
    let thai_nguyen = bundled_rows("units-2025.csv", &["19"]);
    let first = app
        .import_csv(Structure::Current, &thai_nguyen)
        .await
        .unwrap();
    assert_eq!(first.created, 1 + 92);

    let renamed = thai_nguyen.replace("Phường Đức Xuân", "Phường Đức Xuân Mới");
    let summary = app.import_csv(Structure::Current, &renamed).await.unwrap();
    assert_eq!(
        (summary.created, summary.updated, summary.unchanged),
        (0, 1, 92)
    );

    // Line 2 renames back (valid on its own), line 3 moves a commune to
    // another province: the whole file is refused.
    let moved = "province_code,province_name,commune_code,commune_name,commune_type\n\
                 19,Tỉnh Thái Nguyên,01840,Phường Đức Xuân,Phường\n\
                 06,Tỉnh Bắc Kạn,01843,Phường Bắc Kạn,Phường\n";
    let Err(ImportError::BadRows { rows, .. }) = app.import_csv(Structure::Current, moved).await
    else {
        panic!("a change of parent must fail");
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].line, 3);
    assert!(
        rows[0].message.contains("never changes parent"),
        "{}",
        rows[0].message
    );
    let body = app
        .graphql(
            "{ a: unitByCode(code: \"01840\", asOf: \"2025-07-01\") { name } b: unitByCode(code: \"06\", asOf: \"2025-07-01\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["a"]["name"], "Phường Đức Xuân Mới",
        "the rename was rolled back"
    );
    assert_eq!(
        body["data"]["b"],
        serde_json::Value::Null,
        "province 06 was not created"
    );
}

#[tokio::test]
async fn a_partial_import_syncs_only_the_lineage_it_can_resolve() {
    let app = spawn_app().await;
    app.import_csv(
        Structure::Legacy,
        &bundled_rows("units-legacy.csv", &["06", "19"]),
    )
    .await
    .unwrap();
    let summary = app
        .import_csv(Structure::Current, &bundled_rows("units-2025.csv", &["19"]))
        .await
        .unwrap();
    let lineage = summary.lineage.unwrap();
    assert!(lineage.created > 0);
    assert!(lineage.skipped > 0);
    let body = app
        .graphql(
            "{ unitByCode(code: \"19\", asOf: \"2025-07-01\") { predecessors { predecessor { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["unitByCode"]["predecessors"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

fn phancap(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_phancap"))
        .args(args)
        .env("PHANCAP_LOG", "warn")
        .output()
        .expect("the phancap binary runs")
}

#[test]
fn the_command_line_reports_bad_lines_and_then_a_no_op() {
    let dir = std::env::temp_dir().join(format!("phancap-cli-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("cli.db").display());
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "province_code,province_name,commune_code,commune_name,commune_type\n\
         19,Tỉnh Thái Nguyên,01840,Phường Đức Xuân,Phường\n\
         19,Tỉnh Thái Nguyên,01843,Phường Bắc Kạn,Thôn\n",
    )
    .unwrap();
    let out = phancap(&[
        "import-units",
        "--structure",
        "2025",
        "--file",
        bad.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("1 bad row(s), nothing was imported"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 3: commune 01843: unknown commune type \"Thôn\""),
        "{stderr}"
    );

    let good = dir.join("good.csv");
    std::fs::write(&good, bundled_rows("units-2025.csv", &["19"])).unwrap();
    let args = [
        "import-units",
        "--structure",
        "2025",
        "--file",
        good.to_str().unwrap(),
        "--database-url",
        &url,
    ];
    let out = phancap(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("2025 structure: 93 units created, 0 updated, 0 unchanged"),
        "{stdout}"
    );
    let out = phancap(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("0 units created, 0 updated, 93 unchanged"),
        "{stdout}"
    );
    assert!(stdout.contains("nothing changed"), "{stdout}");
    std::fs::remove_dir_all(&dir).ok();
}
