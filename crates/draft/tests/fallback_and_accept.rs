//! The drafter that needs no LLM, and accepting a draft into a project in one undoable step.

mod support;

use std::collections::BTreeSet;

use shotline_draft::{DraftRequest, accept_draft, fallback_draft, read_draft};
use shotline_model::project::{Action, History, Project};
use support::{collect, fixture, request};

const T0_MS: i64 = 1_800_000_000_000;

fn counter(prefix: &'static str) -> impl FnMut() -> String {
    let mut next = 0;
    move || {
        next += 1;
        format!("{prefix}-{next}")
    }
}

fn new_project() -> Project {
    Project::new_with_first_shot("Keeper", T0_MS, &mut counter("start"))
}

fn shot_count(project: &Project) -> usize {
    project.numbered_shots().count()
}

#[test]
fn the_same_request_always_gives_the_same_draft() {
    assert_eq!(fallback_draft(&request(3, 4)), fallback_draft(&request(3, 4)));
}

#[test]
fn another_seed_gives_other_camera_choices_for_the_same_story() {
    let first = fallback_draft(&request(3, 4));
    let second = fallback_draft(&DraftRequest {
        seed: 8,
        ..request(3, 4)
    });
    assert_ne!(first, second);
    let titles =
        |draft: &shotline_draft::Draft| draft.scenes.iter().map(|s| s.title.clone()).collect::<Vec<_>>();
    assert_eq!(
        titles(&first),
        titles(&second),
        "the arc does not depend on the seed"
    );
}

#[test]
fn the_fallback_follows_an_arc_and_names_the_subject_in_every_shot() {
    let draft = fallback_draft(&request(3, 4));
    let titles: Vec<&str> = draft.scenes.iter().map(|scene| scene.title.as_str()).collect();
    assert_eq!(titles, ["Setup", "Confrontation", "Resolution"]);
    assert_eq!(draft.title, "A retired lighthouse keeper discovers…");
    for scene in &draft.scenes {
        assert_eq!(scene.shots.len(), 4);
        assert!(
            scene.summary.contains("retired lighthouse keeper"),
            "{}",
            scene.summary
        );
        for shot in &scene.shots {
            assert!(
                shot.prompt.contains("retired lighthouse keeper"),
                "{}",
                shot.prompt
            );
            assert!(shot.prompt.contains("quiet drama, melancholic atmosphere"));
            assert!(shot.duration_s.is_some_and(|s| (2.0..=8.0).contains(&s)));
        }
        let framings: BTreeSet<_> = scene
            .shots
            .iter()
            .map(|shot| shot.enhancers.framing.clone())
            .collect();
        assert_eq!(framings.len(), 4, "each shot of a scene is framed differently");
        for pair in scene.shots.windows(2) {
            assert_ne!(pair[0].enhancers.lens, pair[1].enhancers.lens);
            assert_ne!(pair[0].enhancers.lighting, pair[1].enhancers.lighting);
        }
    }
}

#[test]
fn long_arcs_number_repeated_beats_and_counts_out_of_range_are_brought_inside() {
    let draft = fallback_draft(&request(7, 1));
    let titles: Vec<&str> = draft.scenes.iter().map(|scene| scene.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Setup",
            "Inciting incident",
            "Inciting incident 2",
            "Confrontation",
            "Confrontation 2",
            "Climax",
            "Resolution"
        ]
    );
    assert_eq!(fallback_draft(&request(0, 99)).shot_count(), 20);
    let unknown = fallback_draft(&DraftRequest {
        logline: String::new(),
        genre_tone: String::new(),
        ..request(1, 1)
    });
    assert!(unknown.scenes[0].shots[0].prompt.contains("the protagonist"));
    assert_eq!(unknown.title, "Untitled draft");
}

#[test]
fn accepting_three_scenes_of_four_shots_gives_twelve_prompted_shots_undone_in_one_step() {
    let mut history = History::new(new_project());
    let draft = fallback_draft(&request(3, 4));
    let accept = accept_draft(history.project(), &draft, &mut counter("draft"));
    assert!(history.apply(accept, T0_MS + 1).is_ok());
    let project = history.project();
    assert_eq!(project.scenes.len(), 3, "the blank starting scene is replaced");
    assert_eq!(shot_count(project), 12);
    assert!(
        project
            .numbered_shots()
            .all(|(_, _, shot)| !shot.prompt.is_empty())
    );
    assert_eq!(project.scenes[0].title, "Setup");
    assert_eq!(project.scenes[0].summary, draft.scenes[0].summary);
    let first = &project.scenes[0].shots[0];
    assert_eq!(first.enhancers, draft.scenes[0].shots[0].enhancers);
    assert_eq!(Some(first.duration_s), draft.scenes[0].shots[0].duration_s);

    history.undo(T0_MS + 2);
    assert_eq!(history.project().scenes, new_project().scenes);
    assert!(!history.can_undo());
    history.redo(T0_MS + 3);
    assert_eq!(shot_count(history.project()), 12);
}

#[test]
fn a_project_with_work_in_it_keeps_it_and_gets_the_draft_after_it() {
    let mut project = new_project();
    project.scenes[0].shots[0].prompt = "My own opening shot".to_owned();
    let mut history = History::new(project.clone());
    let draft = fallback_draft(&request(2, 2));
    assert!(
        history
            .apply(accept_draft(&project, &draft, &mut counter("draft")), T0_MS)
            .is_ok()
    );
    let titles: Vec<&str> = history
        .project()
        .scenes
        .iter()
        .map(|scene| scene.title.as_str())
        .collect();
    assert_eq!(titles, ["Scene 1", "Setup", "Resolution"]);
    assert_eq!(shot_count(history.project()), 5);
    history.undo(T0_MS);
    assert_eq!(history.project().scenes, project.scenes);
}

#[test]
fn a_drafted_lm_studio_answer_lands_as_twelve_shots() {
    let completion = collect(&fixture("lmstudio_3x4.sse")).expect("readable");
    let draft = read_draft(&completion, &request(3, 4)).expect("a draft").value;
    let mut history = History::new(new_project());
    let accept = accept_draft(history.project(), &draft, &mut counter("draft"));
    assert!(matches!(accept, Action::Batch(_)));
    assert!(history.apply(accept, T0_MS).is_ok());
    let prompts: Vec<&str> = history
        .project()
        .numbered_shots()
        .map(|(_, _, shot)| shot.prompt.as_str())
        .collect();
    assert_eq!(prompts.len(), 12);
    assert_eq!(
        prompts[11],
        "The lighthouse far across the water, its lamp lit again as night falls"
    );
}
