//! An index over cubes: which cubes of a long list may meet a given cube or hold a given packet,
//! found without testing every cube of the list. The first-match walks over thousands of rules
//! (`fold.rs`, the cover walk in `ruleset.rs`) ask it for the few cubes or rules a step touches.
//!
//! # Design note: blocks per dimension, queried in the narrowest
//!
//! Each cube is registered in three dimensions: source addresses, destination addresses and
//! destination ports (protocols and source ports rarely tell rules apart). In each, every
//! interval of the cube's set goes into the smallest aligned block of 2^k values that holds it,
//! keyed by the block's prefix length and first value, as a CIDR block would be:
//!
//! ```text
//! 10.0.1.0/24             -> block 10.0.1.0/24  (level 24)
//! 10.0.1.7-10.0.1.9       -> block 10.0.1.0/28  (level 28)
//! 11.0.0.0-100.63.255.255 -> block 0.0.0.0/1    (level 1: the Internet's intervals are coarse)
//! port 22                 -> block 22/16        (level 16)
//! ports 0-65535           -> block 0/0          (level 0)
//! ```
//!
//! A query interval `[lo, hi]` meets, at each level that holds blocks, exactly the blocks whose
//! first value lies in `[lo rounded down to the level, hi]`: one range of an ordered map per
//! level. What it returns is a superset (a block may meet the query while its interval does
//! not); callers test every candidate exactly, so the index decides only how many are tested,
//! never the answer.
//!
//! A query uses one dimension: the one whose blocks promise the fewest candidates, counted as
//! the summed lengths of the block lists it meets, narrowest dimension first so that a small
//! count cuts the others short (and a dimension the query spans more than [`WIDE`] of is not
//! counted at all once a narrower one has been). Counting matters more than width: in the
//! remainder of an Internet-wide query, most cubes are narrow in source (one rule's prefixes)
//! and wide in destination (everything but another rule's prefixes), so a rule's destination
//! meets all of them and its source only a few. The query's intervals ascend, so at each level
//! the blocks they meet ascend too, and each block is visited once: a coarse block met by all
//! ten prefixes of a rule would otherwise count ten times and send the query elsewhere.
//!
//! A set of more than [`MAX_INTERVALS`] intervals in a dimension (the Internet minus thousands
//! of prefixes) is registered, and queried, by its hull in that dimension: one coarse block
//! instead of thousands of entries for a cube that the next step replaces anyway. A set wider
//! than [`WIDE`] (everything but a few prefixes) is registered by its hull too: its intervals
//! would land in coarse blocks all the same.
//!
//! Entries are never removed: a cube that was cut leaves its entries behind, and callers skip
//! the ids whose slot no longer holds a cube that meets the query (the remainder renumbers and
//! rebuilds its index when emptied slots outnumber its cubes).
//!
//! Alternatives rejected: bounding boxes alone (what the cover walk scanned before: the hull
//! of ten random prefixes spans the whole address space, and a complement's hull always does);
//! elementary intervals with a list per segment (a rule with `*` lands in every segment:
//! quadratic memory); an R-tree over five dimensions (boxes again, and no gain for sets of
//! many intervals).

use std::collections::BTreeMap;

use crate::addr::AddrSet;
use crate::interval::{Endpoint, IntervalSet};
use crate::packet::{Cube, Packet};

/// Above this many intervals in one dimension, a set is registered and queried by its hull.
const MAX_INTERVALS: usize = 64;

/// Above this share of its dimension, a set is registered by its hull.
const WIDE: f64 = 1.0 / 16.0;

/// An index from cubes (or packets) to the ids of registered cubes that may meet them.
#[derive(Debug, Clone, Default)]
pub(crate) struct CubeIndex {
    src: AddrIndex,
    dst: AddrIndex,
    dst_ports: BlockIndex,
    /// `seen[id] == stamp` when `id` was already returned by the current query.
    seen: Vec<u32>,
    stamp: u32,
}

/// The three dimensions a query can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    Src,
    Dst,
    DstPorts,
}

impl CubeIndex {
    /// An index of `cubes`, each under its position as id.
    pub(crate) fn of<'c>(cubes: impl IntoIterator<Item = &'c Cube>) -> CubeIndex {
        let mut index = CubeIndex::default();
        for (id, cube) in cubes.into_iter().enumerate() {
            index.insert(id_of(id), cube);
        }
        index
    }

    /// Registers `cube` under `id`. An id may be registered several times (a slot whose cube
    /// changed): queries return it once, and callers test what the slot holds now.
    pub(crate) fn insert(&mut self, id: u32, cube: &Cube) {
        self.src.insert(&cube.src, id);
        self.dst.insert(&cube.dst, id);
        self.dst_ports.insert_set(&cube.dst_ports, id);
    }

    /// The ids whose cubes may meet `cube`, each once, in no particular order.
    pub(crate) fn query(&mut self, cube: &Cube, out: &mut Vec<u32>) {
        let dim = self.cheapest(&[
            (Dim::Dst, Query::Addr(&cube.dst)),
            (Dim::DstPorts, Query::Ports(&cube.dst_ports)),
            (Dim::Src, Query::Addr(&cube.src)),
        ]);
        let query = match dim {
            Dim::Src => Query::Addr(&cube.src),
            Dim::Dst => Query::Addr(&cube.dst),
            Dim::DstPorts => Query::Ports(&cube.dst_ports),
        };
        self.collect(dim, &query, out);
    }

    /// The ids whose cubes may hold `packet`, each once, in no particular order.
    pub(crate) fn query_packet(&mut self, packet: &Packet, out: &mut Vec<u32>) {
        let src = AddrSet::from_ip(packet.src);
        let dst = AddrSet::from_ip(packet.dst);
        let port = IntervalSet::single(packet.dst_port);
        let mut dims = vec![(Dim::Dst, Query::Addr(&dst))];
        // A portless packet is held whatever the ports (cubes of portless protocols have every
        // port), so only a TCP or UDP packet may be looked up by its port.
        if packet.protocol.has_ports() {
            dims.push((Dim::DstPorts, Query::Ports(&port)));
        }
        dims.push((Dim::Src, Query::Addr(&src)));
        let dim = self.cheapest(&dims);
        if let Some((_, query)) = dims.iter().find(|(d, _)| *d == dim) {
            self.collect(dim, query, out);
        }
    }

    /// The dimension whose blocks promise the fewest candidates for the query (see the module
    /// note); `dims` lists them narrowest first on ties.
    fn cheapest(&self, dims: &[(Dim, Query<'_>)]) -> Dim {
        let mut order: Vec<(f64, usize)> = dims
            .iter()
            .enumerate()
            .map(|(i, (_, q))| (q.width(), i))
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut best: Option<(usize, Dim)> = None;
        for (width, i) in order {
            // A wide query meets most blocks of its dimension: counting them costs as much as
            // the query, and a narrower dimension counted already wins.
            if width > WIDE && best.is_some() {
                break;
            }
            let (dim, query) = &dims[i];
            let cap = best.map_or(usize::MAX, |(count, _)| count);
            if let Some(count) = self.count(*dim, query, cap)
                && best.is_none_or(|(b, _)| count < b)
            {
                best = Some((count, *dim));
            }
        }
        best.map_or(Dim::Dst, |(_, dim)| dim)
    }

    /// How many ids the blocks the query meets in `dim` list, or `None` once that reaches `cap`.
    fn count(&self, dim: Dim, query: &Query<'_>, cap: usize) -> Option<usize> {
        let mut count = 0usize;
        let mut over = false;
        self.visit(dim, query, &mut |ids| {
            count += ids.len();
            over = count >= cap;
            !over
        });
        (!over).then_some(count)
    }

    fn collect(&mut self, dim: Dim, query: &Query<'_>, out: &mut Vec<u32>) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
        let (mut seen, stamp) = (std::mem::take(&mut self.seen), self.stamp);
        self.visit(dim, query, &mut |ids| {
            for &id in ids {
                let slot = id as usize;
                if slot >= seen.len() {
                    seen.resize(slot + 1, 0);
                }
                if seen[slot] != stamp {
                    seen[slot] = stamp;
                    out.push(id);
                }
            }
            true
        });
        self.seen = seen;
    }

    /// Calls `f` with the id list of every block the query meets in `dim`, until it returns
    /// false.
    fn visit(&self, dim: Dim, query: &Query<'_>, f: &mut dyn FnMut(&[u32]) -> bool) {
        match (dim, query) {
            (Dim::Src, Query::Addr(set)) => self.src.visit(set, f),
            (Dim::Dst, Query::Addr(set)) => self.dst.visit(set, f),
            (Dim::DstPorts, Query::Ports(set)) => self.dst_ports.visit_set(set, f),
            _ => {}
        }
    }
}

/// The set a query looks up in one dimension.
enum Query<'q> {
    Addr(&'q AddrSet),
    Ports(&'q IntervalSet<u16>),
}

impl Query<'_> {
    /// The share of its dimension the set covers (its hull's when it has many intervals): the
    /// order in which dimensions are counted.
    fn width(&self) -> f64 {
        match self {
            Query::Addr(set) => share(&set.v4, 32) + share(&set.v6, 128),
            Query::Ports(set) => share(set, 16),
        }
    }
}

/// The share of the `bits`-bit values the set covers.
#[allow(
    clippy::cast_precision_loss,
    reason = "an estimate that orders dimensions; a rounded length serves"
)]
fn share<T: Endpoint + Into<u128>>(set: &IntervalSet<T>, bits: i32) -> f64 {
    let ranges = set.ranges();
    let len = |lo: T, hi: T| (hi.into() - lo.into()) as f64 + 1.0;
    let total = if ranges.len() > MAX_INTERVALS {
        set.min().zip(set.max()).map_or(0.0, |(lo, hi)| len(lo, hi))
    } else {
        ranges.iter().map(|&(lo, hi)| len(lo, hi)).sum()
    };
    total / 2f64.powi(bits)
}

/// Both address families of one dimension.
#[derive(Debug, Clone)]
struct AddrIndex {
    v4: BlockIndex,
    v6: BlockIndex,
}

impl Default for AddrIndex {
    fn default() -> Self {
        AddrIndex {
            v4: BlockIndex::new(32),
            v6: BlockIndex::new(128),
        }
    }
}

impl AddrIndex {
    fn insert(&mut self, set: &AddrSet, id: u32) {
        self.v4.insert_set(&set.v4, id);
        self.v6.insert_set(&set.v6, id);
    }

    fn visit(&self, set: &AddrSet, f: &mut dyn FnMut(&[u32]) -> bool) {
        let mut going = true;
        self.v4.visit_set(&set.v4, &mut |ids| {
            going = f(ids);
            going
        });
        if going {
            self.v6.visit_set(&set.v6, f);
        }
    }
}

/// One dimension of one family: ids by the aligned block that holds each interval (see the
/// module note).
#[derive(Debug, Clone)]
struct BlockIndex {
    bits: u8,
    /// Per prefix length, the blocks by first value.
    levels: Vec<BTreeMap<u128, Ids>>,
}

/// The ids of one block (or of one merge key, `merge.rs`): most hold one (a prefix of one rule),
/// so it is kept inline.
#[derive(Debug, Clone)]
pub(crate) enum Ids {
    One(u32),
    Many(Vec<u32>),
}

impl Ids {
    pub(crate) fn as_slice(&self) -> &[u32] {
        match self {
            Ids::One(id) => std::slice::from_ref(id),
            Ids::Many(ids) => ids,
        }
    }

    /// Adds `id` unless it is the last one already.
    pub(crate) fn push(&mut self, id: u32) {
        match self {
            Ids::One(first) if *first != id => *self = Ids::Many(vec![*first, id]),
            Ids::One(_) => {}
            Ids::Many(ids) => {
                if ids.last() != Some(&id) {
                    ids.push(id);
                }
            }
        }
    }
}

impl Default for BlockIndex {
    fn default() -> Self {
        BlockIndex::new(16)
    }
}

impl BlockIndex {
    fn new(bits: u8) -> BlockIndex {
        BlockIndex {
            bits,
            levels: vec![BTreeMap::new(); usize::from(bits) + 1],
        }
    }

    /// The first value of the level's block that holds `value`.
    fn base(&self, level: u8, value: u128) -> u128 {
        let shift = u32::from(self.bits - level);
        if shift >= 128 {
            0
        } else {
            value & (u128::MAX << shift)
        }
    }

    fn insert_set<T: Endpoint + Into<u128>>(&mut self, set: &IntervalSet<T>, id: u32) {
        let ranges = set.ranges();
        // A set of many intervals, or a wide one (everything but a few prefixes), goes in by its
        // hull: one coarse block, where its intervals would be as coarse and more numerous.
        if ranges.len() > MAX_INTERVALS || share(set, i32::from(self.bits)) > WIDE {
            if let (Some(lo), Some(hi)) = (set.min(), set.max()) {
                self.insert(lo.into(), hi.into(), id);
            }
            return;
        }
        for &(lo, hi) in ranges {
            self.insert(lo.into(), hi.into(), id);
        }
    }

    fn insert(&mut self, lo: u128, hi: u128, id: u32) {
        // The prefix length is the number of leading bits `lo` and `hi` share.
        let differing = 128 - (lo ^ hi).leading_zeros();
        let level = u8::try_from(u32::from(self.bits).saturating_sub(differing)).unwrap_or(0);
        let base = self.base(level, lo);
        self.levels[usize::from(level)]
            .entry(base)
            .and_modify(|ids| ids.push(id))
            .or_insert(Ids::One(id));
    }

    fn visit_set<T: Endpoint + Into<u128>>(
        &self,
        set: &IntervalSet<T>,
        f: &mut dyn FnMut(&[u32]) -> bool,
    ) {
        let ranges = set.ranges();
        if ranges.len() > MAX_INTERVALS {
            if let (Some(lo), Some(hi)) = (set.min(), set.max()) {
                self.visit(lo.into(), hi.into(), &mut [], f);
            }
            return;
        }
        // The intervals ascend, so at each level the blocks they meet ascend too: a block met
        // by several intervals (a coarse one) is visited once.
        let mut visited = vec![None; self.levels.len()];
        for &(lo, hi) in ranges {
            if !self.visit(lo.into(), hi.into(), &mut visited, f) {
                return;
            }
        }
    }

    /// Calls `f` for each block that meets `[lo, hi]` and lies past `visited` at its level
    /// (when given); false once `f` asked to stop.
    fn visit(
        &self,
        lo: u128,
        hi: u128,
        visited: &mut [Option<u128>],
        f: &mut dyn FnMut(&[u32]) -> bool,
    ) -> bool {
        for (level, blocks) in self.levels.iter().enumerate() {
            if blocks.is_empty() {
                continue;
            }
            let mut from = self.base(u8::try_from(level).unwrap_or(u8::MAX), lo);
            let last = visited.get_mut(level);
            if let Some(Some(last)) = &last {
                if *last >= hi {
                    continue;
                }
                from = from.max(*last + 1);
            }
            let mut seen = None;
            for (&base, ids) in blocks.range(from..=hi) {
                seen = Some(base);
                if !f(ids.as_slice()) {
                    return false;
                }
            }
            if let (Some(last), Some(base)) = (last, seen) {
                *last = Some(base);
            }
        }
        true
    }
}

/// A position as an id; the lists indexed here are far below `u32::MAX` cubes.
pub(crate) fn id_of(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::packet::{PortSet, Protocol, ProtocolSet};
    use proptest::prelude::*;

    /// The IPv4 addresses `lo..=lo + len` (also the small universe of `ruleset.rs`'s tests).
    pub(crate) fn v4_span(lo: u32, len: u32) -> AddrSet {
        AddrSet {
            v4: IntervalSet::range(lo, lo + len),
            v6: IntervalSet::empty(),
        }
    }

    fn cube() -> impl Strategy<Value = Cube> {
        let addr = prop_oneof![
            4 => (0u32..64, 0u32..6).prop_map(|(lo, len)| v4_span(lo, len)),
            1 => Just(AddrSet::all()),
            1 => prop::collection::vec((0u32..64, 0u32..3), 1..80).prop_map(|spans| {
                spans.into_iter().fold(AddrSet::empty(), |set, (lo, len)| set.union(&v4_span(lo, len)))
            }),
        ];
        let ports = prop_oneof![
            3 => (0u16..40, 0u16..4).prop_map(|(lo, len)| PortSet::range(lo, lo + len)),
            1 => Just(PortSet::all()),
        ];
        (addr.clone(), addr, ports).prop_map(|(src, dst, dst_ports)| {
            Cube::new(
                ProtocolSet::single(Protocol::Tcp),
                src,
                PortSet::all(),
                dst,
                dst_ports,
            )
        })
    }

    proptest! {
        // Every registered cube that meets the query (or holds the packet) is among the
        // candidates: the index may only over-approximate.
        #[test]
        fn candidates_include_every_overlap(
            cubes in prop::collection::vec(cube(), 0..40),
            query in cube(),
            (src, dst, port) in (0u32..70, 0u32..70, 0u16..45),
        ) {
            let mut index = CubeIndex::of(&cubes);
            let mut found = Vec::new();
            index.query(&query, &mut found);
            let mut sorted = found.clone();
            sorted.sort_unstable();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), found.len());
            for (id, cube) in cubes.iter().enumerate() {
                if cube.overlaps(&query) {
                    prop_assert!(found.contains(&id_of(id)), "cube {} meets the query", id);
                }
            }
            let v4 = |n: u32| std::net::IpAddr::V4(std::net::Ipv4Addr::from(n));
            let packet = Packet::new(Protocol::Tcp, v4(src), 1, v4(dst), port);
            found.clear();
            index.query_packet(&packet, &mut found);
            for (id, cube) in cubes.iter().enumerate() {
                if cube.contains(&packet) {
                    prop_assert!(found.contains(&id_of(id)), "cube {} holds the packet", id);
                }
            }
        }
    }
}
