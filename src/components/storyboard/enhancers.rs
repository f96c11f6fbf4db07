//! The style enhancers of a shot: common values offered, free text accepted.

use leptos::prelude::*;
use shotline_model::project::{Action, Enhancer, ShotId};

use crate::project::use_project_data;

/// Values people reach for most; anything else can be typed.
fn suggestions(enhancer: Enhancer) -> &'static [&'static str] {
    match enhancer {
        Enhancer::Framing => &[
            "wide shot",
            "medium shot",
            "close-up",
            "extreme close-up",
            "over the shoulder",
        ],
        Enhancer::Movement => &["static", "slow pan", "dolly in", "tracking shot", "handheld"],
        Enhancer::Lens => &["24mm", "35mm", "50mm", "85mm", "anamorphic"],
        Enhancer::Lighting => &["golden hour", "low key", "high key", "neon", "overcast"],
        Enhancer::Mood => &["tense", "serene", "melancholic", "joyful", "mysterious"],
        Enhancer::Vfx => &["film grain", "lens flare", "fog", "rain", "bokeh"],
        Enhancer::Pacing => &["slow", "steady", "fast"],
    }
}

#[component]
pub fn EnhancerFields(shot_id: ShotId) -> impl IntoView {
    let data = use_project_data();
    let shot = data.shot(shot_id.clone());
    Enhancer::ALL
        .into_iter()
        .map(|enhancer| {
            let list_id = format!("enhancer-{}-{}", enhancer.label().to_ascii_lowercase(), shot_id.as_str());
            let shot_id = shot_id.clone();
            let change = move |event| {
                let value = event_target_value(&event);
                let value = (!value.trim().is_empty()).then_some(value);
                let _ = data.apply(Action::SetShotEnhancer { shot: shot_id.clone(), enhancer, value });
            };
            view! {
                <label class="enhancer">
                    <span>{enhancer.label()}</span>
                    <input
                        type="text"
                        list=list_id.clone()
                        prop:value=move || {
                            shot.with(|s| s.as_ref().and_then(|s| s.enhancers.get(enhancer).map(str::to_owned)))
                                .unwrap_or_default()
                        }
                        on:change=change
                    />
                    <datalist id=list_id>
                        {suggestions(enhancer).iter().map(|value| view! { <option value=*value></option> }).collect_view()}
                    </datalist>
                </label>
            }
        })
        .collect_view()
}
