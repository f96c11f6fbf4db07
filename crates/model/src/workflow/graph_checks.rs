//! Structural checks shared by import and preflight: dangling links, loops, outputs.

use std::collections::BTreeMap;

use super::api::{ApiWorkflow, Link};
use super::object_info::ObjectInfo;

/// The first link whose source node is not in the workflow.
pub fn dangling_link(workflow: &ApiWorkflow) -> Option<Link<'_>> {
    workflow
        .links()
        .into_iter()
        .find(|link| workflow.node(link.from_node).is_none())
}

/// A loop of links, as the node ids along it (first id repeated at the end), if any.
pub fn find_cycle(workflow: &ApiWorkflow) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Visit {
        InProgress,
        Done,
    }
    let mut sources: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for link in workflow.links() {
        sources.entry(link.to_node).or_default().push(link.from_node);
    }
    let mut visits: BTreeMap<&str, Visit> = BTreeMap::new();
    for (start, _) in workflow.nodes() {
        if visits.contains_key(start) {
            continue;
        }
        // Iterative depth-first walk: a deep chain of nodes must not overflow the stack.
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        visits.insert(start, Visit::InProgress);
        while let Some((node, next_source)) = path.last_mut() {
            let upstream = sources
                .get(*node)
                .and_then(|list| list.get(*next_source))
                .copied();
            *next_source += 1;
            match upstream {
                None => {
                    visits.insert(*node, Visit::Done);
                    path.pop();
                }
                Some(source) => match visits.get(source) {
                    Some(Visit::Done) => {}
                    Some(Visit::InProgress) => {
                        let from = path.iter().position(|(id, _)| *id == source).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            path[from..].iter().map(|(id, _)| id.to_string()).collect();
                        cycle.push(source.to_owned());
                        return Some(cycle);
                    }
                    None if workflow.node(source).is_some() => {
                        visits.insert(source, Visit::InProgress);
                        path.push((source, 0));
                    }
                    None => {}
                },
            }
        }
    }
    None
}

/// Whether ComfyUI treats this class as an output (a node it runs for its own sake).
///
/// Without the server's node list the class name is all there is: core and common custom
/// output nodes are named Save…, Preview… or …VideoCombine; a false "yes" is caught later
/// by preflight against the server, while a false "no" would block an import.
pub fn is_output_class(class_type: &str, object_info: Option<&ObjectInfo>) -> bool {
    match object_info.and_then(|info| info.class(class_type)) {
        Some(spec) => spec.output_node,
        None => ["Save", "Preview", "VideoCombine", "Output"]
            .iter()
            .any(|word| class_type.contains(word)),
    }
}

pub fn has_output_node(workflow: &ApiWorkflow, object_info: Option<&ObjectInfo>) -> bool {
    workflow
        .nodes()
        .iter()
        .any(|(_, node)| is_output_class(&node.class_type, object_info))
}
