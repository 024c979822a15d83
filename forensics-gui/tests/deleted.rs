//! The walk-through: open a folder in the evidence tree, select a
//! deleted file in it, tag it — and find the tag and its custody entry in
//! the case database itself, not only on screen.

use egui_kittest::kittest::Queryable;
use forensics_core::case::Case;

use crate::search::ingest;
use crate::{bench, corpus_image, create_case, harness, run_until, type_into};

#[test]
fn a_deleted_file_in_a_folder_is_tagged_and_the_case_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let (image, key) = corpus_image(dir.path());
    let deleted = key
        .all_files()
        .map(|(_, f)| f.clone())
        .find(|f| f.deleted && !f.is_dir && f.path.matches('/').count() == 2)
        .expect("a deleted file in a first-level folder");
    let (folder, name) = deleted.path[1..].split_once('/').unwrap();
    let (folder, name) = (folder.to_string(), name.to_string());
    let mut harness = harness();
    create_case(&mut harness, dir.path());
    ingest(&mut harness, &image);

    // The tree: the root folder opens, then the file's folder is picked.
    harness.get_by_label("/ (root)").click();
    for _ in 0..200 {
        if harness.query_by_label(&folder).is_some() {
            break;
        }
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    harness.get_by_label(&folder).click();
    let folder_path = format!("/{folder}/");
    run_until(&mut harness, "the folder's listing", |app| {
        let listed = bench(app).listed_paths();
        !bench(app).listed().1
            && !listed.is_empty()
            && listed.iter().all(|p| p.starts_with(&folder_path))
    });
    // FAT forgets a deleted name's first character: the listing shows it
    // as `_`, the answer key has the original.
    let listed = bench(harness.state()).listed_paths();
    let shown = listed
        .iter()
        .find(|p| {
            p.starts_with(&folder_path) && p.len() == deleted.path.len() && p.ends_with(&name[1..])
        })
        .unwrap_or_else(|| panic!("{} not in the folder's listing {listed:?}", deleted.path))
        .clone();
    let name = shown.rsplit('/').next().unwrap().to_string();
    harness.get_by_label(&name).click();
    run_until(&mut harness, "the deleted file's details", |app| {
        bench(app).selected_path() == Some(shown.as_str())
    });
    type_into(&mut harness, "Tag", "deleted-evidence");
    harness.get_by_label("Add tag").click();
    run_until(&mut harness, "the tag", |app| {
        bench(app).selected_tags() == Some(vec!["deleted-evidence".to_string()])
    });
    let object_id = bench(harness.state()).selected().unwrap();

    // The case file itself holds the tag and its custody entry.
    let case = Case::open(&dir.path().join("t.case")).unwrap();
    let tags = case.all_tags().unwrap();
    assert!(
        tags.iter()
            .any(|t| t.object_id == object_id && t.tag == "deleted-evidence"),
        "{tags:?}"
    );
    let log = case.custody_log().unwrap();
    let entry = log
        .iter()
        .rev()
        .find(|e| e.action == "tag")
        .expect("a tag entry");
    let details: serde_json::Value = serde_json::from_str(&entry.details_json).unwrap();
    assert_eq!(details["object_id"], object_id);
    assert_eq!(details["tag"], "deleted-evidence");
    assert_eq!(entry.examiner, "Test Examiner");
}
