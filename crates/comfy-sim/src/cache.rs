//! Node output cache. Like ComfyUI's default cache it keeps the results of the nodes of the
//! latest prompts by node id and reuses one when its signature is unchanged (trace a, phase 2).

use std::collections::HashMap;

use crate::nodes::NodeOutput;

#[derive(Default)]
pub struct NodeCache {
    entries: HashMap<String, (u64, NodeOutput)>,
}

impl NodeCache {
    pub fn hit(&self, node_id: &str, signature: u64) -> Option<&NodeOutput> {
        self.entries
            .get(node_id)
            .filter(|(stored, _)| *stored == signature)
            .map(|(_, output)| output)
    }

    pub fn store(&mut self, node_id: &str, signature: u64, output: NodeOutput) {
        self.entries.insert(node_id.to_owned(), (signature, output));
    }

    /// Drops nodes the latest prompt did not contain, as ComfyUI's `clean_unused` does.
    pub fn keep_only<'a>(&mut self, node_ids: impl Iterator<Item = &'a String>) {
        let keep: Vec<&String> = node_ids.collect();
        self.entries.retain(|node_id, _| keep.contains(&node_id));
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
