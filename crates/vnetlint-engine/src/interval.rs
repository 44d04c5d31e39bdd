//! Sets of integers stored as sorted, disjoint, non-adjacent inclusive intervals: the
//! one-dimensional building block of address, port and packet sets.
//!
//! Keeping the intervals coalesced (no two touch) makes the representation canonical, so two
//! sets are equal exactly when their vectors are equal, and every operation is a linear merge.

use std::fmt;

/// An integer type an [`IntervalSet`] can range over.
pub trait Endpoint: Copy + Ord + fmt::Debug + fmt::Display {
    const MIN: Self;
    const MAX: Self;
    /// The next value, or `None` at `MAX`.
    fn succ(self) -> Option<Self>;
    /// The previous value, or `None` at `MIN`.
    fn pred(self) -> Option<Self>;
}

macro_rules! endpoint {
    ($($ty:ty),*) => {
        $(
            impl Endpoint for $ty {
                const MIN: Self = <$ty>::MIN;
                const MAX: Self = <$ty>::MAX;
                fn succ(self) -> Option<Self> {
                    self.checked_add(1)
                }
                fn pred(self) -> Option<Self> {
                    self.checked_sub(1)
                }
            }
        )*
    };
}

endpoint!(u8, u16, u32, u64, u128);

/// A set of values of `T`, as sorted disjoint inclusive intervals that never touch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IntervalSet<T> {
    ranges: Vec<(T, T)>,
}

impl<T: Endpoint> Default for IntervalSet<T> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<T: Endpoint> IntervalSet<T> {
    pub fn empty() -> Self {
        Self { ranges: Vec::new() }
    }

    /// Every value of `T`.
    pub fn all() -> Self {
        Self {
            ranges: vec![(T::MIN, T::MAX)],
        }
    }

    pub fn single(value: T) -> Self {
        Self {
            ranges: vec![(value, value)],
        }
    }

    /// The inclusive range `lo..=hi`; empty when `lo > hi`.
    pub fn range(lo: T, hi: T) -> Self {
        if lo > hi {
            Self::empty()
        } else {
            Self {
                ranges: vec![(lo, hi)],
            }
        }
    }

    /// Builds a set from any inclusive ranges (in any order, overlapping or not); reversed
    /// ranges are ignored.
    pub fn from_ranges(ranges: impl IntoIterator<Item = (T, T)>) -> Self {
        let mut ranges: Vec<(T, T)> = ranges.into_iter().filter(|(lo, hi)| lo <= hi).collect();
        ranges.sort_unstable();
        Self {
            ranges: coalesce(ranges),
        }
    }

    /// The intervals, sorted, disjoint and non-adjacent.
    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn is_all(&self) -> bool {
        self.ranges.as_slice() == [(T::MIN, T::MAX)]
    }

    pub fn contains(&self, value: T) -> bool {
        // The first interval whose upper end is >= value is the only candidate.
        let index = self.ranges.partition_point(|&(_, hi)| hi < value);
        self.ranges.get(index).is_some_and(|&(lo, _)| lo <= value)
    }

    pub fn min(&self) -> Option<T> {
        self.ranges.first().map(|&(lo, _)| lo)
    }

    pub fn max(&self) -> Option<T> {
        self.ranges.last().map(|&(_, hi)| hi)
    }

    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self {
            ranges: merge_sorted(&self.ranges, &other.ranges),
        }
    }

    /// The union of this set with many others in one pass: their intervals are sorted apart
    /// and then merged with this set's, so a long set met by many short ones is walked once.
    #[must_use]
    pub fn union_many<'s>(&self, others: impl IntoIterator<Item = &'s Self>) -> Self
    where
        T: 's,
    {
        let mut added: Vec<(T, T)> = others
            .into_iter()
            .flat_map(|set| set.ranges.iter().copied())
            .collect();
        if added.is_empty() {
            return self.clone();
        }
        // The others' intervals come in sorted runs, which the stable sort merges.
        added.sort();
        Self {
            ranges: merge_sorted(&self.ranges, &added),
        }
    }

    #[must_use]
    pub fn intersect(&self, other: &Self) -> Self {
        if let Some((short, long)) = lopsided(self, other) {
            let mut out = Vec::new();
            let mut from = 0;
            for &(lo, hi) in &short.ranges {
                from += long.ranges[from..].partition_point(|&(_, end)| end < lo);
                for &(start, end) in &long.ranges[from..] {
                    if start > hi {
                        break;
                    }
                    out.push((start.max(lo), end.min(hi)));
                }
            }
            return Self { ranges: out };
        }
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while let (Some(&(alo, ahi)), Some(&(blo, bhi))) = (self.ranges.get(i), other.ranges.get(j))
        {
            let lo = alo.max(blo);
            let hi = ahi.min(bhi);
            if lo <= hi {
                out.push((lo, hi));
            }
            // Advance whichever interval ends first; the other may still meet later intervals.
            if ahi < bhi {
                i += 1;
            } else {
                j += 1;
            }
        }
        Self { ranges: out }
    }

    /// Every value of `T` not in the set.
    #[must_use]
    pub fn complement(&self) -> Self {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut cursor = Some(T::MIN);
        for &(lo, hi) in &self.ranges {
            let Some(start) = cursor else { break };
            if start < lo
                && let Some(end) = lo.pred()
            {
                out.push((start, end));
            }
            cursor = hi.succ();
        }
        if let Some(start) = cursor {
            out.push((start, T::MAX));
        }
        Self { ranges: out }
    }

    /// `universe` minus this set: the complement within a universe.
    #[must_use]
    pub fn complement_within(&self, universe: &Self) -> Self {
        universe.subtract(self)
    }

    #[must_use]
    pub fn subtract(&self, other: &Self) -> Self {
        if other.is_empty() || self.is_empty() {
            return self.clone();
        }
        if self.ranges.len() > LOPSIDED * other.ranges.len() {
            return self.subtract_few(other);
        }
        let mut out = Vec::with_capacity(self.ranges.len() + other.ranges.len());
        // Intervals of `other` before the current one of `self` are passed by binary search.
        let mut from = 0;
        for &(lo, hi) in &self.ranges {
            from += other.ranges[from..].partition_point(|&(_, end)| end < lo);
            let mut start = Some(lo);
            for &(cut_lo, cut_hi) in &other.ranges[from..] {
                let Some(begin) = start else { break };
                if cut_lo > hi {
                    break;
                }
                if cut_lo > begin
                    && let Some(end) = cut_lo.pred()
                {
                    out.push((begin, end));
                }
                start = if cut_hi >= hi { None } else { cut_hi.succ() };
            }
            if let Some(begin) = start {
                out.push((begin, hi));
            }
        }
        Self { ranges: out }
    }

    /// [`Self::subtract`] of a set of far fewer intervals: the runs of this set between them
    /// are found by binary search and copied whole, so a long set loses a few intervals at the
    /// cost of one copy.
    fn subtract_few(&self, other: &Self) -> Self {
        let mut out = Vec::with_capacity(self.ranges.len() + other.ranges.len());
        // `rest`: what is left of the interval of `self` being cut, not yet written out.
        let mut rest: Option<(T, T)> = None;
        let mut next = 0;
        for &(cut_lo, cut_hi) in &other.ranges {
            if let Some((lo, hi)) = rest
                && hi < cut_lo
            {
                out.push((lo, hi));
                rest = None;
            }
            if rest.is_none() {
                let before = self.ranges[next..].partition_point(|&(_, hi)| hi < cut_lo);
                out.extend_from_slice(&self.ranges[next..next + before]);
                next += before;
                rest = self.ranges.get(next).copied();
                next += usize::from(rest.is_some());
            }
            while let Some((lo, hi)) = rest {
                if lo > cut_hi {
                    break;
                }
                if lo < cut_lo
                    && let Some(end) = cut_lo.pred()
                {
                    out.push((lo, end));
                }
                if hi > cut_hi {
                    rest = cut_hi.succ().map(|start| (start, hi));
                    break;
                }
                rest = self.ranges.get(next).copied();
                next += usize::from(rest.is_some());
            }
        }
        out.extend(rest);
        out.extend_from_slice(&self.ranges[next..]);
        Self { ranges: out }
    }

    pub fn is_subset(&self, other: &Self) -> bool {
        self.subtract(other).is_empty()
    }

    /// Whether the sets share a value: a merge walk that builds nothing (the packet algebra
    /// asks this far more often than it builds an intersection).
    pub fn intersects(&self, other: &Self) -> bool {
        if let Some((short, long)) = lopsided(self, other) {
            let mut from = 0;
            return short.ranges.iter().any(|&(lo, hi)| {
                from += long.ranges[from..].partition_point(|&(_, end)| end < lo);
                long.ranges.get(from).is_some_and(|&(start, _)| start <= hi)
            });
        }
        let (mut i, mut j) = (0, 0);
        while let (Some(&(alo, ahi)), Some(&(blo, bhi))) = (self.ranges.get(i), other.ranges.get(j))
        {
            if alo <= bhi && blo <= ahi {
                return true;
            }
            if ahi < bhi {
                i += 1;
            } else {
                j += 1;
            }
        }
        false
    }
}

/// Above this ratio of lengths, [`IntervalSet::intersect`] and [`IntervalSet::intersects`] look
/// each interval of the shorter set up in the longer one by binary search instead of walking
/// both: the remainder of a long first-match walk holds sets of thousands of intervals (the
/// Internet minus every prefix seen so far), met by rules of a few prefixes each.
const LOPSIDED: usize = 8;

/// The shorter and the longer set when their lengths differ by more than [`LOPSIDED`] times.
fn lopsided<'s, T>(
    a: &'s IntervalSet<T>,
    b: &'s IntervalSet<T>,
) -> Option<(&'s IntervalSet<T>, &'s IntervalSet<T>)> {
    let (short, long) = if a.ranges.len() <= b.ranges.len() {
        (a, b)
    } else {
        (b, a)
    };
    (long.ranges.len() > LOPSIDED * short.ranges.len().max(1)).then_some((short, long))
}

/// Two sorted lists of intervals merged into one canonical list.
fn merge_sorted<T: Endpoint>(left: &[(T, T)], right: &[(T, T)]) -> Vec<(T, T)> {
    let mut merged = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        let take_left = match (left.get(i), right.get(j)) {
            (Some(a), Some(b)) => a <= b,
            (Some(_), None) => true,
            _ => false,
        };
        if take_left {
            merged.push(left[i]);
            i += 1;
        } else {
            merged.push(right[j]);
            j += 1;
        }
    }
    coalesce(merged)
}

/// Merges sorted intervals that overlap or touch.
fn coalesce<T: Endpoint>(sorted: Vec<(T, T)>) -> Vec<(T, T)> {
    let mut out: Vec<(T, T)> = Vec::with_capacity(sorted.len());
    for (lo, hi) in sorted {
        if let Some(last) = out.last_mut() {
            let touches = last.1 >= lo || last.1.succ() == Some(lo);
            if touches {
                last.1 = last.1.max(hi);
                continue;
            }
        }
        out.push((lo, hi));
    }
    out
}

/// `*` for everything, `(none)` for nothing, else `a`, `a-b` joined by `, ` (used for ports).
impl<T: Endpoint> fmt::Display for IntervalSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("*");
        }
        if self.is_empty() {
            return f.write_str("(none)");
        }
        for (index, &(lo, hi)) in self.ranges.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            if lo == hi {
                write!(f, "{lo}")?;
            } else {
                write!(f, "{lo}-{hi}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn set(ranges: &[(u8, u8)]) -> IntervalSet<u8> {
        IntervalSet::from_ranges(ranges.iter().copied())
    }

    #[test]
    fn from_ranges_coalesces_touching_and_overlapping() {
        assert_eq!(set(&[(5, 7), (1, 2), (3, 4), (6, 9)]).ranges(), &[(1, 9)]);
        assert_eq!(set(&[(1, 2), (4, 5)]).ranges(), &[(1, 2), (4, 5)]);
        assert!(set(&[(5, 1)]).is_empty());
    }

    #[test]
    fn complement_handles_both_ends() {
        assert_eq!(
            set(&[(0, 3), (250, 255)]).complement().ranges(),
            &[(4, 249)]
        );
        assert_eq!(IntervalSet::<u8>::all().complement(), IntervalSet::empty());
        assert_eq!(IntervalSet::<u8>::empty().complement(), IntervalSet::all());
        assert_eq!(set(&[(10, 10)]).complement().ranges(), &[(0, 9), (11, 255)]);
    }

    #[test]
    fn subtract_splits_an_interval() {
        let whole = set(&[(0, 100)]);
        assert_eq!(
            whole.subtract(&set(&[(10, 20), (50, 50)])).ranges(),
            &[(0, 9), (21, 49), (51, 100)]
        );
        assert_eq!(
            set(&[(3, 9)]).complement_within(&whole).ranges(),
            &[(0, 2), (10, 100)]
        );
    }

    #[test]
    fn contains_and_min_max() {
        let s = set(&[(10, 20), (30, 40)]);
        assert!(s.contains(10) && s.contains(20) && s.contains(35));
        assert!(!s.contains(9) && !s.contains(25) && !s.contains(41));
        assert_eq!((s.min(), s.max()), (Some(10), Some(40)));
        assert_eq!(IntervalSet::<u8>::empty().min(), None);
    }

    #[test]
    fn display_is_readable() {
        assert_eq!(IntervalSet::<u16>::all().to_string(), "*");
        assert_eq!(IntervalSet::<u16>::empty().to_string(), "(none)");
        assert_eq!(
            IntervalSet::from_ranges([(22u16, 22), (8000, 8100)]).to_string(),
            "22, 8000-8100"
        );
    }

    fn to_bits(s: &IntervalSet<u8>) -> BTreeSet<u8> {
        s.ranges().iter().flat_map(|&(lo, hi)| lo..=hi).collect()
    }

    fn arb_set() -> impl Strategy<Value = IntervalSet<u8>> {
        prop::collection::vec((any::<u8>(), any::<u8>()), 0..5).prop_map(IntervalSet::from_ranges)
    }

    fn arb_long_set() -> impl Strategy<Value = IntervalSet<u8>> {
        prop::collection::vec((any::<u8>(), 0u8..3), 0..60).prop_map(|starts| {
            IntervalSet::from_ranges(
                starts
                    .into_iter()
                    .map(|(lo, len)| (lo, lo.saturating_add(len))),
            )
        })
    }

    proptest! {
        // The binary-search paths of a long set met by a short one agree with plain sets.
        #[test]
        fn lopsided_intersection_matches_btreeset(long in arb_long_set(), short in arb_set()) {
            let (sl, ss) = (to_bits(&long), to_bits(&short));
            let both: BTreeSet<u8> = sl.intersection(&ss).copied().collect();
            prop_assert_eq!(long.intersect(&short), IntervalSet::from_ranges(both.iter().map(|&v| (v, v))));
            prop_assert_eq!(short.intersect(&long), long.intersect(&short));
            prop_assert_eq!(long.intersects(&short), !both.is_empty());
            prop_assert_eq!(short.intersects(&long), !both.is_empty());
            let rest: BTreeSet<u8> = sl.difference(&ss).copied().collect();
            prop_assert_eq!(long.subtract(&short), IntervalSet::from_ranges(rest.iter().map(|&v| (v, v))));
            let rest: BTreeSet<u8> = ss.difference(&sl).copied().collect();
            prop_assert_eq!(short.subtract(&long), IntervalSet::from_ranges(rest.iter().map(|&v| (v, v))));
        }

        // The algebra agrees with plain `BTreeSet` operations over the whole u8 universe, and the
        // canonical form means equal sets compare equal.
        #[test]
        fn algebra_matches_btreeset(a in arb_set(), b in arb_set()) {
            let (sa, sb) = (to_bits(&a), to_bits(&b));
            prop_assert_eq!(to_bits(&a.union(&b)), sa.union(&sb).copied().collect::<BTreeSet<_>>());
            prop_assert_eq!(to_bits(&a.intersect(&b)), sa.intersection(&sb).copied().collect::<BTreeSet<_>>());
            prop_assert_eq!(to_bits(&a.subtract(&b)), sa.difference(&sb).copied().collect::<BTreeSet<_>>());
            prop_assert_eq!(to_bits(&a.complement()).len(), 256 - sa.len());
            prop_assert_eq!(a.union(&b), IntervalSet::from_ranges(a.ranges().iter().chain(b.ranges()).copied()));
            prop_assert_eq!(a.union_many([&b, &a.complement(), &b]), a.union(&a.complement()));
            prop_assert_eq!(b.union_many([&a, &a]), a.union(&b));
            prop_assert_eq!(a.complement().complement(), a.clone());
            for v in [0u8, 1, 17, 128, 254, 255] {
                prop_assert_eq!(a.contains(v), sa.contains(&v));
            }
        }
    }
}
