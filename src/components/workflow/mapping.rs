//! The mapping of one profile: per shot field, the node input it fills, why auto-mapping
//! chose it, and a dropdown of the workflow's real inputs to override it.

use leptos::prelude::*;
use shotline_model::project::ProfileId;
use shotline_model::workflow::{MappableInput, Profile, Target, mappable_inputs};

use crate::project::use_project_data;
use crate::workflows::{find_profile, use_workflows};

/// Longest current value shown in a dropdown option; prompts can be paragraphs.
const OPTION_VALUE_MAX_CHARS: usize = 40;

#[component]
pub fn MappingTable(profile: ProfileId, message: RwSignal<Option<String>>) -> impl IntoView {
    let data = use_project_data();
    let loaded = {
        let profile = profile.clone();
        Memo::new(move |_| data.with_project(|project| find_profile(project, &profile)))
    };
    move || match loaded.get() {
        Some(Ok(found)) => view! { <MappingRows id=profile.clone() profile=found message /> }.into_any(),
        Some(Err(error)) => view! { <p class="problem">{error.to_string()}</p> }.into_any(),
        None => ().into_any(),
    }
}

#[component]
fn MappingRows(id: ProfileId, profile: Profile, message: RwSignal<Option<String>>) -> impl IntoView {
    let inputs = mappable_inputs(&profile.workflow);
    let caption = format!("Mapping of {}", profile.name);
    let rows = Target::ALL
        .into_iter()
        .map(|target| {
            view! {
                <MappingRow id=id.clone() target profile=profile.clone() inputs=inputs.clone() message />
            }
        })
        .collect_view();
    view! {
        <table class="mapping-table">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Shot field"</th>
                    <th scope="col">"Node input"</th>
                    <th scope="col">"Why"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn MappingRow(
    id: ProfileId,
    target: Target,
    profile: Profile,
    inputs: Vec<MappableInput>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let workflows = use_workflows();
    let mapped = profile.mapping.inputs(target).to_vec();
    let is_mapped = |input: &MappableInput| {
        mapped
            .iter()
            .any(|row| row.node == input.node && row.input == input.input)
    };
    // Offered: inputs whose current value fits the field, plus whatever is mapped now.
    let offered: Vec<MappableInput> = inputs
        .into_iter()
        .filter(|input| target.suits(&input.current) || is_mapped(input))
        .collect();
    let options = offered
        .iter()
        .enumerate()
        .map(|(index, input)| {
            let selected = mapped
                .first()
                .is_some_and(|row| row.node == input.node && row.input == input.input);
            view! { <option value=index.to_string() selected=selected>{option_label(input)}</option> }
        })
        .collect_view();
    let reasons = mapped
        .iter()
        .map(|row| {
            let title = profile
                .workflow
                .node(&row.node)
                .map_or(row.node.as_str(), |node| node.title());
            format!("{title} #{}.{}: {}", row.node, row.input, row.reason)
        })
        .collect::<Vec<_>>()
        .join("; ");
    let change = move |event| {
        let picked = event_target_value(&event)
            .parse::<usize>()
            .ok()
            .and_then(|index| offered.get(index))
            .map(|input| (input.node.clone(), input.input.clone()));
        let result = workflows.set_mapping(&id, target, picked);
        message.set(result.err().map(|error| error.to_string()));
    };
    view! {
        <tr>
            <th scope="row">{target.name()}</th>
            <td>
                <select aria-label=format!("Node input for {}", target.name()) on:change=change>
                    <option value="" selected=mapped.is_empty()>"Not mapped"</option>
                    {options}
                </select>
            </td>
            <td class="mapping-reason">{if reasons.is_empty() { "—".to_owned() } else { reasons }}</td>
        </tr>
    }
}

/// "Positive Prompt #6 · CLIPTextEncode · text = a cat on a…"
fn option_label(input: &MappableInput) -> String {
    let current = match &input.current {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let mut shown: String = current.chars().take(OPTION_VALUE_MAX_CHARS).collect();
    if current.chars().count() > OPTION_VALUE_MAX_CHARS {
        shown.push('…');
    }
    format!(
        "{} #{} · {} · {} = {shown}",
        input.title, input.node, input.class_type, input.input
    )
}
