//! The prompt queue, kept as a binary min-heap laid out exactly like Python's `heapq`, because
//! `GET /queue` dumps `queue_pending` in heap order (trace d_queue_positions: `[-21, 16, -20, 19, 17, 18]`).

use std::cmp::Ordering;

use serde_json::{Map, Number, Value, json};

/// A queue number as the client sees it: integers from the counter, or a client-given float.
#[derive(Debug, Clone)]
pub struct PromptNumber(pub Number);

impl PromptNumber {
    fn sort_key(&self) -> f64 {
        self.0.as_f64().unwrap_or(0.0)
    }
}

#[derive(Debug, Clone)]
pub struct QueueItem {
    pub number: PromptNumber,
    pub prompt_id: String,
    pub prompt: Map<String, Value>,
    pub extra_data: Map<String, Value>,
    pub outputs_to_execute: Vec<String>,
}

impl QueueItem {
    /// `[number, prompt_id, prompt, extra_data, outputs_to_execute]`, as in /queue and /history.
    pub fn to_json(&self) -> Value {
        json!([
            self.number.0,
            self.prompt_id,
            self.prompt,
            self.extra_data,
            self.outputs_to_execute
        ])
    }

    pub fn client_id(&self) -> Option<&str> {
        self.extra_data.get("client_id").and_then(Value::as_str)
    }

    /// Python compares the item tuples: number first, then prompt_id.
    fn heap_cmp(&self, other: &Self) -> Ordering {
        self.number
            .sort_key()
            .total_cmp(&other.number.sort_key())
            .then_with(|| self.prompt_id.cmp(&other.prompt_id))
    }
}

#[derive(Debug, Default)]
pub struct PromptQueue {
    pending: Vec<QueueItem>,
    running: Option<QueueItem>,
}

impl PromptQueue {
    pub fn push(&mut self, item: QueueItem) {
        self.pending.push(item);
        let last = self.pending.len() - 1;
        sift_toward_root(&mut self.pending, 0, last);
    }

    /// Moves the smallest pending item to "running" and returns a copy for the worker.
    pub fn start_next(&mut self) -> Option<QueueItem> {
        if self.running.is_some() || self.pending.is_empty() {
            return None;
        }
        let last = self.pending.pop()?;
        let next = if self.pending.is_empty() {
            last
        } else {
            let top = std::mem::replace(&mut self.pending[0], last);
            sift_toward_leaves(&mut self.pending, 0);
            top
        };
        self.running = Some(next.clone());
        Some(next)
    }

    pub fn finish_running(&mut self) {
        self.running = None;
    }

    pub fn running(&self) -> Option<&QueueItem> {
        self.running.as_ref()
    }

    /// Removes pending prompts by id; returns whether anything was removed. Like execution.py's
    /// `delete_queue_item`, called once per id: the first match goes, then the heap is rebuilt,
    /// which decides the layout `/queue` shows next.
    pub fn delete_pending(&mut self, prompt_ids: &[String]) -> bool {
        let mut removed = false;
        for prompt_id in prompt_ids {
            if let Some(index) = self.pending.iter().position(|item| &item.prompt_id == prompt_id) {
                self.pending.remove(index);
                heapify(&mut self.pending);
                removed = true;
            }
        }
        removed
    }

    pub fn clear_pending(&mut self) -> bool {
        let had_any = !self.pending.is_empty();
        self.pending.clear();
        had_any
    }

    /// Forgets everything, as a server restart does.
    pub fn reset(&mut self) {
        self.pending.clear();
        self.running = None;
    }

    /// `queue_remaining` of the status message: running plus pending.
    pub fn remaining(&self) -> usize {
        self.pending.len() + usize::from(self.running.is_some())
    }

    pub fn to_json(&self) -> Value {
        let running: Vec<Value> = self.running.iter().map(QueueItem::to_json).collect();
        let pending: Vec<Value> = self.pending.iter().map(QueueItem::to_json).collect();
        json!({"queue_running": running, "queue_pending": pending})
    }
}

/// Python's `heapq._siftdown`: bubble the item at `pos` up toward `start`.
fn sift_toward_root(heap: &mut [QueueItem], start: usize, mut pos: usize) {
    while pos > start {
        let parent = (pos - 1) / 2;
        if heap[pos].heap_cmp(&heap[parent]) == Ordering::Less {
            heap.swap(pos, parent);
            pos = parent;
        } else {
            break;
        }
    }
}

/// Python's `heapq._siftup`: walk the smaller child down to a leaf, then bubble back up.
fn sift_toward_leaves(heap: &mut [QueueItem], start_pos: usize) {
    let end = heap.len();
    let mut pos = start_pos;
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        if right < end && heap[child].heap_cmp(&heap[right]) != Ordering::Less {
            child = right;
        }
        heap.swap(pos, child);
        pos = child;
        child = 2 * pos + 1;
    }
    sift_toward_root(heap, start_pos, pos);
}

fn heapify(heap: &mut [QueueItem]) {
    for index in (0..heap.len() / 2).rev() {
        sift_toward_leaves(heap, index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(number: i64, prompt_id: &str) -> QueueItem {
        QueueItem {
            number: PromptNumber(Number::from(number)),
            prompt_id: prompt_id.to_owned(),
            prompt: Map::new(),
            extra_data: Map::new(),
            outputs_to_execute: Vec::new(),
        }
    }

    fn pending_numbers(queue: &PromptQueue) -> Vec<i64> {
        queue
            .pending
            .iter()
            .filter_map(|item| item.number.0.as_i64())
            .collect()
    }

    #[test]
    fn pending_is_dumped_in_python_heap_order_like_trace_d() {
        // Trace d: 15 runs, 16..=19 queued normally, then -20 and -21 with front:true.
        let mut queue = PromptQueue::default();
        queue.push(item(15, "a"));
        assert!(queue.start_next().is_some());
        for (number, id) in [(16, "b"), (17, "c"), (18, "d"), (19, "e"), (-20, "f"), (-21, "g")] {
            queue.push(item(number, id));
        }
        assert_eq!(pending_numbers(&queue), vec![-21, 16, -20, 19, 17, 18]);
    }

    #[test]
    fn front_prompts_run_first_and_last_front_first() {
        let mut queue = PromptQueue::default();
        for (number, id) in [(1, "a"), (2, "b"), (-3, "c"), (-4, "d")] {
            queue.push(item(number, id));
        }
        let mut order = Vec::new();
        while let Some(next) = queue.start_next() {
            order.push(next.prompt_id);
            queue.finish_running();
        }
        assert_eq!(order, vec!["d", "c", "a", "b"]);
    }

    #[test]
    fn deleting_pending_keeps_the_running_prompt_and_counts_remaining() {
        let mut queue = PromptQueue::default();
        for (number, id) in [(1, "a"), (2, "b"), (3, "c")] {
            queue.push(item(number, id));
        }
        assert!(queue.start_next().is_some());
        assert!(!queue.delete_pending(&["a".to_owned()]));
        assert!(queue.delete_pending(&["c".to_owned()]));
        assert_eq!(queue.remaining(), 2);
        assert_eq!(queue.running().map(|item| item.prompt_id.as_str()), Some("a"));
    }
}
