//! Dependency order of server groups: levels ("waves") by Kahn's algorithm,
//! and the first cycle found, named so the operator can break it.

use std::collections::{BTreeMap, BTreeSet};

/// Groups in start order: wave 0 has no dependencies, wave n depends only on
/// earlier waves. Stop order is the same list reversed. Dependencies on
/// names not in `edges` are ignored (they are reported by validation).
/// Returns `None` when the graph has a cycle.
pub fn waves<'a>(edges: &[(&'a str, Vec<&'a str>)]) -> Option<Vec<Vec<&'a str>>> {
    let known: BTreeSet<&str> = edges.iter().map(|(n, _)| *n).collect();
    let mut indegree: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, deps) in edges {
        let deps: BTreeSet<&str> = deps.iter().copied().filter(|d| known.contains(d)).collect();
        indegree.insert(name, deps.len());
        for d in deps {
            dependents.entry(d).or_default().push(name);
        }
    }
    let mut current: Vec<&str> = indegree
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(k, _)| *k)
        .collect();
    let mut out = Vec::new();
    let mut placed = 0;
    while !current.is_empty() {
        placed += current.len();
        let mut next = Vec::new();
        for name in &current {
            for dep in dependents.get(name).into_iter().flatten() {
                let n = indegree.get_mut(dep).expect("dependent is known");
                *n -= 1;
                if *n == 0 {
                    next.push(*dep);
                }
            }
        }
        next.sort_unstable();
        out.push(std::mem::take(&mut current));
        current = next;
    }
    (placed == indegree.len()).then_some(out)
}

/// A cycle as a path that ends where it starts (`a -> b -> a`), or `None`.
pub fn find_cycle<'a>(edges: &[(&'a str, Vec<&'a str>)]) -> Option<Vec<&'a str>> {
    let deps: BTreeMap<&str, &Vec<&str>> = edges.iter().map(|(n, d)| (*n, d)).collect();
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut mark: BTreeMap<&str, u8> = BTreeMap::new();
    for start in deps.keys() {
        if mark.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        // Iterative DFS: (node, index of next dependency to visit).
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        mark.insert(start, 1);
        while let Some((node, i)) = stack.last_mut() {
            let node = *node;
            let children = deps.get(node).map(|d| d.as_slice()).unwrap_or(&[]);
            if let Some(&child) = children.get(*i) {
                *i += 1;
                if !deps.contains_key(child) {
                    continue;
                }
                match mark.get(child).copied().unwrap_or(0) {
                    0 => {
                        mark.insert(child, 1);
                        stack.push((child, 0));
                    }
                    1 => {
                        let from = stack
                            .iter()
                            .position(|(n, _)| *n == child)
                            .expect("on path");
                        let mut cycle: Vec<&str> = stack[from..].iter().map(|(n, _)| *n).collect();
                        cycle.push(child);
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                mark.insert(node, 2);
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_gives_one_group_per_wave() {
        let e = vec![
            ("api", vec!["mw"]),
            ("db", vec![]),
            ("mw", vec!["db"]),
            ("batch", vec!["api"]),
        ];
        assert_eq!(
            waves(&e).unwrap(),
            vec![vec!["db"], vec!["mw"], vec!["api"], vec!["batch"]]
        );
    }

    #[test]
    fn independent_groups_share_a_wave() {
        let e = vec![("g3", vec!["g1", "g2"]), ("g1", vec![]), ("g2", vec![])];
        assert_eq!(waves(&e).unwrap(), vec![vec!["g1", "g2"], vec!["g3"]]);
    }

    #[test]
    fn cycle_is_named_as_a_path() {
        let e = vec![
            ("a", vec!["c"]),
            ("b", vec!["a"]),
            ("c", vec!["b"]),
            ("d", vec![]),
        ];
        assert!(waves(&e).is_none());
        assert_eq!(find_cycle(&e).unwrap(), vec!["a", "c", "b", "a"]);
        assert_eq!(find_cycle(&[("x", vec!["x"])]).unwrap(), vec!["x", "x"]);
        assert!(find_cycle(&[("x", vec!["y"]), ("y", vec![])]).is_none());
    }
}
