//! "Lock seed" and the seed it holds. Locking keeps the seed of the take on show, so the
//! next take differs only by what the person changed; the "Seed" field takes any seed
//! ComfyUI accepts, exactly (a u64: the browser's numbers would round it).

use leptos::prelude::*;
use shotline_model::project::{Action, Seed, ShotId};

use crate::generation::use_generation;
use crate::project::use_project_data;
use crate::workflows::random_seed;

#[component]
pub fn SeedLock(shot_id: ShotId, shown_take: Memo<Option<String>>) -> impl IntoView {
    let data = use_project_data();
    let generation = use_generation();
    let shot = data.shot(shot_id.clone());
    let fixed = Memo::new(move |_| {
        shot.with(|shot| match shot.as_ref().map(|shot| shot.seed) {
            Some(Seed::Fixed(value)) => Some(value),
            _ => None,
        })
    });
    let problem = RwSignal::new(None::<String>);
    let set_seed = {
        let shot_id = shot_id.clone();
        move |seed| {
            let _ = data.apply(Action::SetSeed {
                shot: shot_id.clone(),
                seed,
            });
        }
    };
    let lock = {
        let set_seed = set_seed.clone();
        move |event| {
            problem.set(None);
            if !event_target_checked(&event) {
                set_seed(Seed::Random);
                return;
            }
            let take_seed = shown_take
                .get_untracked()
                .and_then(|job| generation.job(&job))
                .and_then(|view| view.with_untracked(|view| view.seed));
            set_seed(Seed::Fixed(take_seed.unwrap_or_else(random_seed)));
        }
    };
    let type_seed = move |event: leptos::ev::Event| {
        let typed = event_target_value(&event);
        match parse_seed(&typed) {
            Some(value) => {
                problem.set(None);
                set_seed(Seed::Fixed(value));
            }
            None => {
                let kept = fixed.get_untracked().map(|v| v.to_string()).unwrap_or_default();
                let input: web_sys::HtmlInputElement = event_target(&event);
                input.set_value(&kept);
                if typed.trim().is_empty() {
                    // Emptied and left: nothing to complain about, the seed stays.
                    return problem.set(None);
                }
                problem.set(Some(format!(
                    "“{}” is not a seed: a seed is a whole number from 0 to {}. The shot keeps {kept}.",
                    typed.trim(),
                    u64::MAX
                )));
            }
        }
    };
    let field_id = format!("seed-{}", shot_id.as_str());
    view! {
        <div class="seed-lock">
            <label title="Keep the seed of the take on show for every new take">
                <input type="checkbox" prop:checked=move || fixed.get().is_some() on:change=lock />
                "Lock seed"
            </label>
            <Show when=move || fixed.get().is_some()>
                <label class="field" for=field_id.clone()>"Seed"</label>
                <input id=field_id.clone() class="seed-value" type="text" inputmode="numeric"
                    autocomplete="off" spellcheck="false"
                    prop:value=move || fixed.get().map(|value| value.to_string()).unwrap_or_default()
                    on:change=type_seed.clone() />
            </Show>
            <p class="field-error" role="alert">{move || problem.get()}</p>
        </div>
    }
}

/// A seed as typed: digits only (spaces around are fine), 0 ..= u64::MAX.
fn parse_seed(typed: &str) -> Option<u64> {
    let typed = typed.trim();
    if typed.is_empty() || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    typed.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::parse_seed;

    #[test]
    fn a_seed_is_any_u64_written_in_digits() {
        assert_eq!(parse_seed(" 18446744073709551615 "), Some(u64::MAX));
        assert_eq!(parse_seed("0"), Some(0));
        assert_eq!(parse_seed("18446744073709551616"), None, "above u64");
        assert_eq!(parse_seed("-1"), None);
        assert_eq!(parse_seed("+5"), None);
        assert_eq!(parse_seed("1e3"), None);
        assert_eq!(parse_seed(""), None);
    }
}
