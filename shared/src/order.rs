//! One sort routine for every ordering the page needs.
//!
//! Each `sort_by_key` call instantiates its own copy of the standard library's sort (about 3 KB
//! of wasm each); ordering indices by a `u64` key through [`by_key`] shares a single copy.

/// The indices `0..keys.len()` ordered by their keys; equal keys keep index order.
pub fn by_key(keys: impl IntoIterator<Item = u64>) -> Vec<usize> {
    sorted_pairs(keys.into_iter().enumerate().map(|(i, key)| (key, i)).collect())
}

fn sorted_pairs(mut pairs: Vec<(u64, usize)>) -> Vec<usize> {
    pairs.sort_unstable();
    pairs.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::by_key;

    #[test]
    fn orders_by_key_and_keeps_index_order_among_equals() {
        assert_eq!(by_key([3, 1, 2, 1, 0]), vec![4, 1, 3, 2, 0]);
        assert_eq!(by_key([7, 7, 7]), vec![0, 1, 2]);
        assert!(by_key([]).is_empty());
    }
}
