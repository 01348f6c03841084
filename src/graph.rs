//! Dependency order of server groups: levels ("waves") by Kahn's algorithm,
//! and the first cycle found, named so the operator can break it.

use std::collections::BTreeMap;

/// Groups in start order, as indexes into `deps`, where `deps[g]` lists the
/// groups `g` depends on: wave 0 has no dependencies, wave n depends only on
/// earlier waves, and each wave is sorted. Stop order is the same list
/// reversed. Indexes out of range are ignored (validation reports them).
/// Returns `None` when the graph has a cycle.
pub fn waves(deps: &[Vec<usize>]) -> Option<Vec<Vec<usize>>> {
    let n = deps.len();
    let mut indegree = vec![0; n];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (group, ds) in deps.iter().enumerate() {
        let mut ds: Vec<usize> = ds.iter().copied().filter(|d| *d < n).collect();
        ds.sort_unstable();
        ds.dedup();
        indegree[group] = ds.len();
        for d in ds {
            dependents[d].push(group);
        }
    }
    let mut current: Vec<usize> = (0..n).filter(|g| indegree[*g] == 0).collect();
    let mut out = Vec::new();
    let mut placed = 0;
    while !current.is_empty() {
        placed += current.len();
        let mut next = Vec::new();
        for &group in &current {
            for &dependent in &dependents[group] {
                indegree[dependent] -= 1;
                if indegree[dependent] == 0 {
                    next.push(dependent);
                }
            }
        }
        next.sort_unstable();
        out.push(std::mem::replace(&mut current, next));
    }
    (placed == n).then_some(out)
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
        // 0 api -> 2 mw -> 1 db; 3 batch -> 0 api
        let deps = vec![vec![2], vec![], vec![1], vec![0]];
        assert_eq!(
            waves(&deps).unwrap(),
            vec![vec![1], vec![2], vec![0], vec![3]]
        );
    }

    #[test]
    fn independent_groups_share_a_wave() {
        let deps = vec![vec![1, 2, 2], vec![], vec![]];
        assert_eq!(waves(&deps).unwrap(), vec![vec![1, 2], vec![0]]);
    }

    #[test]
    fn cycle_is_named_as_a_path() {
        let e = vec![
            ("a", vec!["c"]),
            ("b", vec!["a"]),
            ("c", vec!["b"]),
            ("d", vec![]),
        ];
        assert!(waves(&[vec![2], vec![0], vec![1], vec![]]).is_none());
        assert!(waves(&[vec![0]]).is_none());
        assert_eq!(find_cycle(&e).unwrap(), vec!["a", "c", "b", "a"]);
        assert_eq!(find_cycle(&[("x", vec!["x"])]).unwrap(), vec!["x", "x"]);
        assert!(find_cycle(&[("x", vec!["y"]), ("y", vec![])]).is_none());
    }
}
