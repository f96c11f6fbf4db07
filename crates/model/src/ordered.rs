//! Ordering without a copy of the standard sort per item type.
//!
//! The standard stable sort is compiled once per item type and comparison, about 3.5 KB
//! of wasm each, and `collect()` into a `BTreeMap` or `BTreeSet` sorts the items first.
//! Here maps and sets are built by inserting one item at a time (a later duplicate key
//! replaces the earlier value, as with `collect`), and lists are sorted through one
//! shared instantiation that orders positions.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

pub fn ordered_map<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(entries);
    map
}

pub fn ordered_set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// `items.sort_by(compare)`: stable, with the same result.
pub fn sort_stable_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|position| slots[position].take()));
}

fn sort_positions(order: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_what_collect_builds_with_the_last_duplicate_winning() {
        let entries = [("b", 1), ("a", 2), ("b", 3)];
        assert_eq!(
            ordered_map(entries),
            entries.into_iter().collect::<BTreeMap<_, _>>()
        );
        assert_eq!(ordered_map(entries)["b"], 3);
        assert_eq!(ordered_set([3, 1, 3, 2]), BTreeSet::from([1, 2, 3]));
    }

    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let mut items = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        let mut expected = items.clone();
        expected.sort_by_key(|item| item.0);
        sort_stable_by(&mut items, |a, b| a.0.cmp(&b.0));
        assert_eq!(items, expected);
    }
}
