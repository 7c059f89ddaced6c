//! Reading the bundled GSO lists into rows, each checked (codes, names,
//! levels) before anything is written.

use super::*;

pub(super) type Key = (UnitKind, String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Row {
    pub(super) kind: UnitKind,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) admin_type: AdminType,
    pub(super) parent: Option<Key>,
    pub(super) line: u64,
}

/// Rows of a structure, parents before children, each unit once.
pub(super) fn parse_units(structure: Structure, csv: &str) -> Result<Vec<Row>, Vec<RowError>> {
    let table = Table::read(csv)?;
    let columns: &[&str] = match structure {
        Structure::Legacy => &[
            "province_code",
            "province_name",
            "district_code",
            "district_name",
            "district_type",
            "commune_code",
            "commune_name",
            "commune_type",
        ],
        Structure::Current => &[
            "province_code",
            "province_name",
            "commune_code",
            "commune_name",
            "commune_type",
        ],
    };
    let index = table.columns(columns)?;
    let mut units = UnitSet::default();
    for record in &table.records {
        let field = |name: &str| record.get(index[name]);
        let line = record.line;
        let result = (|| {
            let province = units.add(
                province_row(field("province_code"), field("province_name"), line)?,
                true,
            )?;
            let commune_parent = match structure {
                Structure::Legacy => {
                    let district = district_row(
                        field("district_code"),
                        field("district_name"),
                        field("district_type"),
                        province,
                        line,
                    )?;
                    units.add(district, true)?
                }
                Structure::Current => province,
            };
            let (code, name, kind) = (
                field("commune_code"),
                field("commune_name"),
                field("commune_type"),
            );
            if structure == Structure::Legacy
                && code.is_empty()
                && name.is_empty()
                && kind.is_empty()
            {
                // An island district with no commune (e.g. huyện Bạch Long Vĩ).
                return Ok(());
            }
            units.add(commune_row(code, name, kind, commune_parent, line)?, false)?;
            Ok(())
        })();
        if let Err(message) = result {
            units.errors.push(RowError { line, message });
        }
    }
    units.finish(table.errors)
}

pub(super) fn province_row(code: &str, name: &str, line: u64) -> Result<Row, String> {
    check_code("province", code, 2)?;
    check_name("province", code, name)?;
    let admin_type = if name.starts_with("Tỉnh ") {
        AdminType::Tinh
    } else if name.starts_with("Thành phố ") {
        AdminType::ThanhPho
    } else {
        return Err(format!(
            "province {code}: name \"{name}\" must begin with \"Tỉnh\" or \"Thành phố\""
        ));
    };
    Ok(Row {
        kind: UnitKind::Province,
        code: code.to_owned(),
        name: name.to_owned(),
        admin_type,
        parent: None,
        line,
    })
}

pub(super) fn district_row(
    code: &str,
    name: &str,
    kind: &str,
    parent: Key,
    line: u64,
) -> Result<Row, String> {
    if code.is_empty() {
        return Err("unknown parent: the row has no district code".into());
    }
    check_code("district", code, 3)?;
    check_name("district", code, name)?;
    let admin_type = match kind {
        "Quận" => AdminType::Quan,
        "Huyện" => AdminType::Huyen,
        "Thị xã" => AdminType::ThiXa,
        "Thành phố" => AdminType::ThanhPho,
        _ => return Err(format!("district {code}: unknown district type \"{kind}\"")),
    };
    Ok(Row {
        kind: UnitKind::District,
        code: code.to_owned(),
        name: name.to_owned(),
        admin_type,
        parent: Some(parent),
        line,
    })
}

pub(super) fn commune_row(
    code: &str,
    name: &str,
    kind: &str,
    parent: Key,
    line: u64,
) -> Result<Row, String> {
    check_code("commune", code, 5)?;
    check_name("commune", code, name)?;
    let admin_type = match kind {
        "Xã" => AdminType::Xa,
        "Phường" => AdminType::Phuong,
        "Thị trấn" => AdminType::ThiTran,
        "Đặc khu" => AdminType::DacKhu,
        _ => return Err(format!("commune {code}: unknown commune type \"{kind}\"")),
    };
    Ok(Row {
        kind: UnitKind::Commune,
        code: code.to_owned(),
        name: name.to_owned(),
        admin_type,
        parent: Some(parent),
        line,
    })
}

pub(super) fn check_code(what: &str, code: &str, digits: usize) -> Result<(), String> {
    if code.len() == digits && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "malformed {what} code \"{code}\": expected {digits} digits"
        ))
    }
}

pub(super) fn check_name(what: &str, code: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("{what} {code} has no name"));
    }
    text::checked("name", name, 200)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The units met so far, each with the line that introduced it.
#[derive(Default)]
pub(super) struct UnitSet {
    pub(super) rows: Vec<Row>,
    pub(super) index: HashMap<Key, usize>,
    pub(super) errors: Vec<RowError>,
}

impl UnitSet {
    /// Adds `row`; a province or district repeats on every one of its
    /// communes' lines (`repeats`), but must repeat identically.
    pub(super) fn add(&mut self, row: Row, repeats: bool) -> Result<Key, String> {
        let key = (row.kind, row.code.clone());
        if let Some(&i) = self.index.get(&key) {
            let first = &self.rows[i];
            if !repeats {
                return Err(format!(
                    "duplicate {} code {} (first on line {})",
                    kind_word(row.kind),
                    row.code,
                    first.line
                ));
            }
            if first.name != row.name
                || first.admin_type != row.admin_type
                || first.parent != row.parent
            {
                return Err(format!(
                    "{} {} differs from line {} (name, type or parent)",
                    kind_word(row.kind),
                    row.code,
                    first.line
                ));
            }
            return Ok(key);
        }
        self.index.insert(key.clone(), self.rows.len());
        self.rows.push(row);
        Ok(key)
    }

    pub(super) fn finish(mut self, mut errors: Vec<RowError>) -> Result<Vec<Row>, Vec<RowError>> {
        errors.append(&mut self.errors);
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(errors);
        }
        // Parents first, so every insert finds its parent already present.
        self.rows.sort_by_key(|r| level(r.kind));
        Ok(self.rows)
    }
}

pub(super) fn level(kind: UnitKind) -> u8 {
    match kind {
        UnitKind::Province => 0,
        UnitKind::Department | UnitKind::District => 1,
        UnitKind::Commune => 2,
    }
}

pub(super) fn kind_word(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Province => "province",
        UnitKind::Department => "department",
        UnitKind::District => "district",
        UnitKind::Commune => "commune",
    }
}
