//! Reading what models actually write: JSON wrapped in prose or fences, sloppy JSON,
//! cut-off JSON, the wrong number of things, missing fields.

mod support;

use serde_json::json;
use shotline_draft::{
    Completion, DraftError, DraftWarning, MAX_SHOT_DURATION_S, Repair, StreamEnd, read_draft, read_scene,
    read_shot,
};
use support::{collect, collect_in_pieces, finished, fixture, request};

fn shot_json(prompt: &str) -> serde_json::Value {
    json!({"prompt": prompt, "enhancers": {"framing": "wide shot", "movement": "static", "lens": "35mm",
        "lighting": "dusk", "mood": "calm", "vfx": "", "pacing": "slow"}, "duration_s": 4})
}

fn draft_json(scenes: usize, shots: usize) -> String {
    let scenes: Vec<_> = (1..=scenes)
        .map(|scene| {
            let shots: Vec<_> = (1..=shots)
                .map(|shot| shot_json(&format!("Scene {scene} shot {shot}")))
                .collect();
            json!({"title": format!("S{scene}"), "summary": format!("Summary {scene}"), "shots": shots})
        })
        .collect();
    json!({"title": "Tide", "scenes": scenes}).to_string()
}

#[test]
fn the_lm_studio_stream_reads_as_three_scenes_of_four_shots_with_no_warnings() {
    let completion = collect(&fixture("lmstudio_3x4.sse")).expect("readable");
    let draft = read_draft(&completion, &request(3, 4)).expect("a draft");
    assert_eq!(draft.warnings, []);
    assert_eq!(draft.value.title, "The Keeper's Message");
    assert_eq!(draft.value.shot_count(), 12);
    let first = &draft.value.scenes[0].shots[0];
    assert!(first.prompt.starts_with("A lonely white lighthouse"));
    assert_eq!(first.enhancers.framing.as_deref(), Some("extreme wide shot"));
    assert_eq!(first.enhancers.vfx, None, "an empty enhancer stays unset");
    assert_eq!(first.duration_s, Some(5.0));
}

#[test]
fn prose_and_a_markdown_fence_around_the_json_are_left_out() {
    let completion = collect(&fixture("ollama_reasoning_fenced.sse")).expect("readable");
    let draft = read_draft(&completion, &request(2, 2)).expect("a draft");
    assert_eq!(draft.value.title, "Night Shift");
    assert_eq!(draft.value.shot_count(), 4);
    assert_eq!(draft.warnings, [DraftWarning::Repaired(Repair::SkippedProse)]);
}

#[test]
fn a_fence_alone_is_not_reported_as_prose() {
    let fenced = format!("```json\n{}\n```", draft_json(1, 1));
    let draft = read_draft(&finished(&fenced), &request(1, 1)).expect("a draft");
    assert_eq!(draft.warnings, []);
}

#[test]
fn trailing_commas_are_removed_and_reported() {
    let completion =
        collect_in_pieces(&fixture("llamacpp_crlf_trailing_commas.sse"), &[9]).expect("readable");
    let draft = read_draft(&completion, &request(2, 2)).expect("a draft");
    assert_eq!(draft.value.shot_count(), 4);
    assert_eq!(
        draft.warnings,
        [DraftWarning::Repaired(Repair::RemovedTrailingCommas)]
    );
}

#[test]
fn braces_in_the_prose_before_the_answer_are_skipped() {
    let text = format!(
        "Sure! I filled in {{title}} and {{scenes}} for you:\n{}",
        draft_json(1, 2)
    );
    let draft = read_draft(&finished(&text), &request(1, 2)).expect("a draft");
    assert_eq!(draft.value.scenes[0].shots.len(), 2);
}

#[test]
fn a_truncated_stream_is_repaired_into_the_scenes_that_arrived() {
    let completion = collect(&fixture("lmstudio_truncated.sse")).expect("readable");
    let draft = read_draft(&completion, &request(3, 4)).expect("repairable");
    let scenes = &draft.value.scenes;
    assert_eq!(scenes.len(), 3);
    assert_eq!(scenes[2].shots.len(), 2);
    assert_eq!(
        scenes[2].shots[1].prompt, "Mara",
        "the cut-off prompt is kept as far as it went"
    );
    assert!(draft.warnings.contains(&DraftWarning::AnswerCut));
    assert!(
        draft
            .warnings
            .contains(&DraftWarning::Repaired(Repair::ClosedString))
    );
    assert!(draft.warnings.contains(&DraftWarning::ShotCount {
        scene: 3,
        asked: 4,
        got: 2
    }));
}

#[test]
fn a_stream_cut_before_any_json_is_a_cut_stream_not_prose() {
    let completion = Completion {
        text: "Here is".to_owned(),
        reasoning: String::new(),
        end: StreamEnd::Truncated,
    };
    assert_eq!(
        read_draft(&completion, &request(1, 1)),
        Err(DraftError::StreamCut)
    );
}

#[test]
fn prose_without_json_asks_for_another_try() {
    let error = read_draft(&finished("I'm sorry, I can't write storyboards."), &request(1, 1)).unwrap_err();
    assert_eq!(error, DraftError::NoJson);
    assert!(error.to_string().contains("prose instead of JSON"));
}

#[test]
fn broken_json_in_the_middle_of_an_answer_is_invalid_json() {
    let broken = r#"Here: {"title": "Tide" "scenes": [{"title": "A", "shots": ["x"]}]}"#;
    let error = read_draft(&finished(broken), &request(1, 1)).unwrap_err();
    assert_eq!(
        error,
        DraftError::InvalidJson {
            detail: "expected `,` or `}` at line 1 column 18".to_owned()
        }
    );
}

#[test]
fn brackets_a_model_forgot_to_close_are_closed() {
    let unclosed = r#"{"title": "Tide", "scenes": [{"title": "A", "summary": "B", "shots": ["x"]}"#;
    let draft = read_draft(&finished(unclosed), &request(1, 1)).expect("repairable");
    assert_eq!(draft.value.scenes[0].shots[0].prompt, "x");
    assert_eq!(
        draft.warnings,
        [DraftWarning::Repaired(Repair::ClosedBrackets(2))]
    );
}

#[test]
fn a_stream_cut_too_early_to_hold_a_scene_is_a_cut_stream() {
    let completion = Completion {
        text: r#"{"title": "Ti"#.to_owned(),
        reasoning: String::new(),
        end: StreamEnd::Truncated,
    };
    assert_eq!(
        read_draft(&completion, &request(1, 1)),
        Err(DraftError::StreamCut)
    );
}

#[test]
fn json_that_is_not_a_storyboard_says_so() {
    let error = read_draft(&finished(r#"{"answer": 42}"#), &request(1, 1)).unwrap_err();
    assert!(matches!(error, DraftError::WrongShape { .. }));
}

#[test]
fn counts_that_differ_from_the_request_are_kept_and_reported() {
    let draft = read_draft(&finished(&draft_json(2, 3)), &request(3, 4)).expect("a draft");
    assert_eq!(draft.value.scenes.len(), 2);
    assert_eq!(draft.warnings[0], DraftWarning::SceneCount { asked: 3, got: 2 });
    assert_eq!(
        draft.warnings[1..],
        [
            DraftWarning::ShotCount {
                scene: 1,
                asked: 4,
                got: 3
            },
            DraftWarning::ShotCount {
                scene: 2,
                asked: 4,
                got: 3
            }
        ]
    );
}

#[test]
fn missing_titles_summaries_and_prompts_are_filled_and_reported() {
    let text = json!({"scenes": [
        {"summary": "The keeper finds a bottle.", "shots": [{"prompt": "Waves"}, {"prompt": "  "}]},
        {"title": "Empty", "shots": [{"framing": "close-up"}]},
    ]})
    .to_string();
    let draft = read_draft(&finished(&text), &request(2, 2)).expect("a draft");
    assert_eq!(draft.value.title, "A retired lighthouse keeper discovers…");
    assert_eq!(
        draft.value.scenes.len(),
        1,
        "a scene with nothing to show is left out"
    );
    assert_eq!(draft.value.scenes[0].title, "Scene 1");
    assert_eq!(
        draft.value.scenes[0].shots[1].prompt,
        "The keeper finds a bottle."
    );
    assert_eq!(
        draft.warnings,
        [
            DraftWarning::UntitledDraft,
            DraftWarning::UntitledScene { scene: 1 },
            DraftWarning::PromptFromSummary { scene: 1, shot: 2 },
            DraftWarning::MissingSummary { scene: 2 },
            DraftWarning::ShotCount {
                scene: 2,
                asked: 2,
                got: 1
            },
            DraftWarning::DroppedShot { scene: 2, shot: 1 },
            DraftWarning::DroppedScene { scene: 2 },
        ]
    );
    let sentence = DraftWarning::PromptFromSummary { scene: 1, shot: 2 }.to_string();
    assert_eq!(
        sentence,
        "Shot 2 of scene 1 had no prompt; the scene's summary stands in for it."
    );
}

#[test]
fn a_draft_with_no_usable_shot_is_refused() {
    let text = r#"{"title": "T", "scenes": [{"title": "A", "shots": []}]}"#;
    assert_eq!(
        read_draft(&finished(text), &request(1, 1)),
        Err(DraftError::NothingUsable)
    );
}

#[test]
fn renamed_fields_wrappers_flat_enhancers_and_string_shots_are_understood() {
    let text = json!({"storyboard": {"Title": "Tide", "Scenes": [{
        "name": "Dawn",
        "description": "First light.",
        "shot_list": ["A gull on a rail"],
        "shots": [
            "A gull on a rail",
            {"visual_description": "Fog", "camera_movement": "slow pan", "Lens": "50mm", "vfx": "none",
             "duration": "12s"},
        ],
    }]}})
    .to_string();
    let draft = read_draft(&finished(&text), &request(1, 2)).expect("a draft");
    let scene = &draft.value.scenes[0];
    assert_eq!(
        (scene.title.as_str(), scene.summary.as_str()),
        ("Dawn", "First light.")
    );
    assert_eq!(scene.shots[0].prompt, "A gull on a rail");
    let fog = &scene.shots[1];
    assert_eq!(fog.prompt, "Fog");
    assert_eq!(fog.enhancers.movement.as_deref(), Some("slow pan"));
    assert_eq!(fog.enhancers.lens.as_deref(), Some("50mm"));
    assert_eq!(fog.enhancers.vfx, None);
    assert_eq!(fog.duration_s, Some(12.0));
    assert_eq!(draft.warnings, []);
}

#[test]
fn durations_outside_the_allowed_range_are_brought_inside() {
    let text = json!({"title": "T", "scenes": [{"title": "A", "summary": "S",
        "shots": [{"prompt": "P", "duration_s": 90}]}]})
    .to_string();
    let draft = read_draft(&finished(&text), &request(1, 1)).expect("a draft");
    assert_eq!(
        draft.value.scenes[0].shots[0].duration_s,
        Some(MAX_SHOT_DURATION_S)
    );
    assert_eq!(
        draft.warnings,
        [DraftWarning::DurationAdjusted {
            scene: 1,
            shot: 1,
            from: 90.0,
            to: MAX_SHOT_DURATION_S
        }]
    );
}

#[test]
fn a_megabyte_of_output_is_refused_with_a_sentence() {
    let huge = format!("{{\"title\": \"{}\"}}", "a".repeat(1_000_001));
    let error = read_draft(&finished(&huge), &request(1, 1)).unwrap_err();
    assert_eq!(error, DraftError::TooLarge);
    assert_eq!(
        error.to_string(),
        "The model wrote more than 1 MB without finishing, so it was stopped; try again with fewer scenes \
         or a lower temperature."
    );
}

#[test]
fn an_answer_with_only_reasoning_or_nothing_says_which() {
    let thinking = Completion {
        text: "  ".to_owned(),
        reasoning: "Let me think about the keeper...".to_owned(),
        end: StreamEnd::CutByLength,
    };
    assert_eq!(
        read_draft(&thinking, &request(1, 1)),
        Err(DraftError::OnlyReasoning)
    );
    assert_eq!(read_draft(&finished(""), &request(1, 1)), Err(DraftError::Empty));
    let thinking_inline = finished("<think>The keeper {maybe}...</think>");
    assert_eq!(
        read_draft(&thinking_inline, &request(1, 1)),
        Err(DraftError::OnlyReasoning)
    );
}

#[test]
fn a_regenerated_scene_is_read_bare_or_wrapped() {
    let scene = json!({"title": "Fog", "summary": "Lost at sea.", "shots": [shot_json("Fog bank"), shot_json("Oars")]});
    for text in [
        scene.to_string(),
        json!({"scene": scene}).to_string(),
        json!({"scenes": [scene]}).to_string(),
    ] {
        let read = read_scene(&finished(&text), &request(3, 2), 1).expect("a scene");
        assert_eq!(read.value.title, "Fog");
        assert_eq!(read.value.shots.len(), 2);
        assert_eq!(read.warnings, []);
    }
}

#[test]
fn a_regenerated_shot_without_a_prompt_takes_its_scenes_summary() {
    let completion = collect(&fixture("lmstudio_3x4.sse")).expect("readable");
    let draft = read_draft(&completion, &request(3, 4)).expect("a draft").value;
    let shot = read_shot(
        &finished(r#"{"prompt": "", "framing": "close-up"}"#),
        &draft,
        1,
        2,
    )
    .expect("a shot");
    assert_eq!(shot.value.prompt, draft.scenes[1].summary);
    assert_eq!(shot.value.enhancers.framing.as_deref(), Some("close-up"));
    assert_eq!(
        shot.warnings,
        [DraftWarning::PromptFromSummary { scene: 2, shot: 3 }]
    );
    assert_eq!(
        read_shot(&finished(r#"{"prompt": "x"}"#), &draft, 5, 0),
        Err(DraftError::SceneNotInDraft(6))
    );
}
