//! The lineage between the structure before and after 1 July 2025: which
//! units a commune or province became, from the resolutions that merged
//! them.

use super::*;

/// The resolutions of the UBTVQH that rearranged each province's communes,
/// where we hold the citation (LAW.md §3.2); others stay unrecorded.
pub(super) const COMMUNE_RESOLUTIONS: &[(&str, &str)] =
    &[("19", "1683/NQ-UBTVQH15"), ("48", "1659/NQ-UBTVQH15")];

/// The National Assembly resolution that rearranged the provinces.
pub(super) const PROVINCE_RESOLUTION: &str = "202/2025/QH15";

pub(super) struct Edge {
    pub(super) predecessor: Uuid,
    pub(super) successor: Uuid,
    pub(super) split: bool,
    pub(super) document: Option<&'static str>,
}

/// Brings the legacy → 2025 lineage edges in line with the bundled files,
/// for the units present. Does nothing until both structures are loaded.
pub(super) async fn sync_lineage(
    txn: &DatabaseTransaction,
) -> Result<Option<LineageSummary>, ImportError> {
    let by_key = |models: Vec<unit::Model>| -> HashMap<Key, unit::Model> {
        models
            .into_iter()
            .map(|m| ((m.kind, m.code.clone()), m))
            .collect()
    };
    let legacy = by_key(
        unit::Entity::find()
            .filter(Structure::Legacy.condition())
            .all(txn)
            .await?,
    );
    let current = by_key(
        unit::Entity::find()
            .filter(Structure::Current.condition())
            .all(txn)
            .await?,
    );
    let has_province =
        |units: &HashMap<Key, unit::Model>| units.keys().any(|k| k.0 == UnitKind::Province);
    if !has_province(&legacy) || !has_province(&current) {
        return Ok(None);
    }
    let mut summary = LineageSummary::default();
    let mut edges: Vec<Edge> = Vec::new();
    let mut add = |pred: Option<&unit::Model>,
                   succ: Option<&unit::Model>,
                   split: bool,
                   document| match (pred, succ) {
        (Some(p), Some(s)) => edges.push(Edge {
            predecessor: p.id,
            successor: s.id,
            split,
            document,
        }),
        _ => summary.skipped += 1,
    };
    let lineage_error = |file: &str, rows| ImportError::BadRows {
        file: file.to_owned(),
        rows,
    };

    let table = Table::read(PROVINCE_LINEAGE_CSV)
        .map_err(|r| lineage_error("units-2025-province-lineage.csv", r))?;
    let index = table
        .columns(&["old_province_code", "new_province_code"])
        .map_err(|r| lineage_error("units-2025-province-lineage.csv", r))?;
    for r in &table.records {
        let old = (
            UnitKind::Province,
            r.get(index["old_province_code"]).to_owned(),
        );
        let new = (
            UnitKind::Province,
            r.get(index["new_province_code"]).to_owned(),
        );
        add(
            legacy.get(&old),
            current.get(&new),
            false,
            Some(PROVINCE_RESOLUTION),
        );
    }

    let table =
        Table::read(COMMUNE_LINEAGE_CSV).map_err(|r| lineage_error("units-2025-lineage.csv", r))?;
    let index = table
        .columns(&[
            "new_province_code",
            "new_commune_code",
            "old_district_code",
            "old_commune_code",
            "split",
        ])
        .map_err(|r| lineage_error("units-2025-lineage.csv", r))?;
    for r in &table.records {
        let old_commune = r.get(index["old_commune_code"]);
        // Island districts without communes became special zones themselves.
        let old = if old_commune.is_empty() {
            (
                UnitKind::District,
                r.get(index["old_district_code"]).to_owned(),
            )
        } else {
            (UnitKind::Commune, old_commune.to_owned())
        };
        let new = (
            UnitKind::Commune,
            r.get(index["new_commune_code"]).to_owned(),
        );
        let province = r.get(index["new_province_code"]);
        let document = COMMUNE_RESOLUTIONS
            .iter()
            .find(|(code, _)| *code == province)
            .map(|(_, doc)| *doc);
        add(
            legacy.get(&old),
            current.get(&new),
            r.get(index["split"]) == "1",
            document,
        );
    }

    // One edge per pair; a pair listed twice is a split if either says so.
    let mut merged: HashMap<(Uuid, Uuid), Edge> = HashMap::new();
    for edge in edges {
        merged
            .entry((edge.predecessor, edge.successor))
            .and_modify(|e| e.split |= edge.split)
            .or_insert(edge);
    }
    let mut predecessors: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (pred, succ) in merged.keys() {
        predecessors.entry(*succ).or_default().insert(*pred);
    }
    let units: HashMap<Uuid, &unit::Model> = legacy
        .values()
        .chain(current.values())
        .map(|m| (m.id, m))
        .collect();
    let existing: HashMap<(Uuid, Uuid), unit_lineage::Model> = unit_lineage::Entity::find()
        .filter(unit_lineage::Column::EffectiveDate.eq(CURRENT_FIRST_DAY))
        .all(txn)
        .await?
        .into_iter()
        .map(|e| ((e.predecessor_id, e.successor_id), e))
        .collect();
    let mut inserts = Vec::new();
    for ((pred, succ), edge) in merged {
        let kind = lineage_kind(
            edge.split,
            predecessors[&succ].len() > 1,
            units[&pred],
            units[&succ],
        );
        let document = edge.document.map(str::to_owned);
        match existing.get(&(pred, succ)) {
            Some(e) if e.kind == kind && e.document == document => summary.unchanged += 1,
            Some(e) => {
                let mut changed = e.clone().into_active_model();
                changed.kind = Set(kind);
                changed.document = Set(document);
                changed.update(txn).await?;
                summary.updated += 1;
            }
            None => {
                inserts.push(unit_lineage::Model {
                    id: Uuid::now_v7(),
                    predecessor_id: pred,
                    successor_id: succ,
                    kind,
                    effective_date: CURRENT_FIRST_DAY,
                    document,
                });
            }
        }
    }
    summary.created = inserts.len();
    insert_chunked(txn, inserts).await?;
    Ok(Some(summary))
}

/// The kind of one edge: a split or merge first, else what changed.
pub(super) fn lineage_kind(
    split: bool,
    merged: bool,
    pred: &unit::Model,
    succ: &unit::Model,
) -> LineageKind {
    if split {
        LineageKind::Split
    } else if merged {
        LineageKind::Merge
    } else if base_name(pred) != base_name(succ) {
        LineageKind::Rename
    } else if pred.admin_type != succ.admin_type {
        LineageKind::Reclassify
    } else {
        LineageKind::Continuation
    }
}

/// A unit's name without its type word, folded: "Huyện Hoàng Sa" → "hoang sa".
pub(super) fn base_name(unit: &unit::Model) -> String {
    let label = match unit.admin_type {
        AdminType::Tinh => "tinh ",
        AdminType::ThanhPho => "thanh pho ",
        AdminType::Quan => "quan ",
        AdminType::Huyen => "huyen ",
        AdminType::ThiXa => "thi xa ",
        AdminType::Xa => "xa ",
        AdminType::Phuong => "phuong ",
        AdminType::ThiTran => "thi tran ",
        AdminType::DacKhu => "dac khu ",
        AdminType::So
        | AdminType::VanPhong
        | AdminType::ThanhTra
        | AdminType::Ban
        | AdminType::Dvsncl => "",
    };
    let folded = text::fold(&unit.name);
    folded
        .strip_prefix(label)
        .map_or(folded.clone(), str::to_owned)
}
