//! Who may read which plans and tasks, lists, rollups and a unit's
//! dashboard.
