//! Merging the cubes of a packet set: pairs of disjoint cubes that differ in one dimension become
//! one cube, which keeps the lists of the packet algebra short. Short lists are merged pair by
//! pair; long ones by a [`Merger`], which groups cubes by hash and which a [`PacketUnion`]
//! keeps from one set to the next.
//!
//! [`PacketUnion`]: crate::fold::PacketUnion

use std::collections::HashMap;

use crate::addr::AddrSet;
use crate::index::{Ids, id_of};
use crate::interval::{Endpoint, IntervalSet};
use crate::packet::Cube;

/// Up to this many cubes, [`coalesce`] compares every pair; above it, it groups by hash.
pub(crate) const PAIRWISE_COALESCE: usize = 16;

/// Repeatedly merges pairs of cubes that differ in one dimension, which keeps the lists short.
/// Short lists (what an NSG's own rules produce) are merged pair by pair; long ones (the
/// fragmented remainder of a walk over thousands of rules) by a [`Merger`], which is linear
/// per pass where the pairwise loop is quadratic.
pub(crate) fn coalesce(cubes: Vec<Cube>) -> Vec<Cube> {
    if cubes.len() > PAIRWISE_COALESCE {
        coalesce_into(Vec::new(), cubes)
    } else {
        coalesce_pairwise(cubes)
    }
}

pub(crate) fn coalesce_pairwise(mut cubes: Vec<Cube>) -> Vec<Cube> {
    let mut changed = true;
    while changed {
        changed = false;
        let mut i = 0;
        while i < cubes.len() {
            let mut j = i + 1;
            while j < cubes.len() {
                if let Some(merged) = cubes[i].merge(&cubes[j]) {
                    cubes[i] = merged;
                    cubes.remove(j);
                    changed = true;
                } else {
                    j += 1;
                }
            }
            i += 1;
        }
    }
    cubes
}

/// Merges `new` cubes into `base`, a list in which no two cubes merge any more (the untouched
/// part of a remainder): only a newcomer, or the result of a merge, can have a partner, so
/// the work is proportional to the newcomers rather than to the whole list. Same fixed point as
/// the pairwise loop (no two cubes differ in one dimension only) when `base` holds to its
/// premise; when it does not, the result is merely less merged, never wrong.
pub(crate) fn coalesce_into(base: Vec<Cube>, new: Vec<Cube>) -> Vec<Cube> {
    if base.len() + new.len() <= PAIRWISE_COALESCE {
        let mut all = base;
        all.extend(new);
        return coalesce_pairwise(all);
    }
    let mut merger = Merger::new(base);
    merger.add(new);
    merger.into_cubes()
}

/// The grouped merge: cubes in slots, each indexed by the five [`key_but`] hashes of its
/// dimensions, so that a newcomer finds its partner (a cube equal to it in four dimensions)
/// by lookup. A merge takes the partner's place, so the order of the list stays that of its
/// first members; an emptied slot stays empty, and its stale index entries are skipped.
///
/// Kept between calls ([`crate::fold::PacketUnion`]), it gives the same list as a fresh merge of
/// the whole list would: when no two of its cubes merge, a fresh merge places them in order
/// without change, and a newcomer has at most one partner per dimension (two would differ from
/// each other in one dimension only, and would have merged), so which entry a lookup meets
/// first does not matter, only the order of the slots, which both keep.
///
/// A merge owes its union ([`Held`]): hundreds of pieces of one cut can merge one after the
/// other into one cube (the sources of every rule so far, against one destination and port),
/// and uniting each into the growing set would copy and rehash it every time. The dimension
/// hashes are additive over disjoint sets ([`interval_hash`]; merging cubes are disjoint in the
/// dimension they differ in), so a merge adds two numbers, and the sets are united in one sort
/// when the cube is compared in that dimension or the call ends.
#[derive(Debug, Clone, Default)]
pub(crate) struct Merger {
    slots: Vec<Option<Held>>,
    index: [HashMap<u64, Ids, foldhash::fast::FixedState>; 5],
    live: usize,
    /// The slots filled since [`Merger::take_placed`] last emptied it.
    placed: Vec<usize>,
}

/// A cube, its [`dim_hashes`], and the cubes merged into it whose sets in one dimension it
/// still owes the union of.
#[derive(Debug, Clone)]
struct Held {
    cube: Cube,
    hashes: [u64; 5],
    owed: Option<(usize, Vec<Cube>)>,
}

impl Held {
    fn new(cube: Cube) -> Held {
        let hashes = dim_hashes(&cube);
        Held {
            cube,
            hashes,
            owed: None,
        }
    }

    /// Unites what is owed, unless it is owed in `except`, which a comparison ignores.
    fn settle_but(&mut self, except: Option<usize>) {
        if let Some((dim, _)) = &self.owed
            && Some(*dim) != except
        {
            self.settle();
        }
    }

    fn settle(&mut self) {
        let Some((dim, others)) = self.owed.take() else {
            return;
        };
        let cube = &mut self.cube;
        let others = others.iter();
        match dim {
            1 => cube.src = unite_addrs(&cube.src, others.map(|o| &o.src)),
            2 => cube.dst = unite_addrs(&cube.dst, others.map(|o| &o.dst)),
            3 => cube.src_ports = cube.src_ports.union_many(others.map(|o| &o.src_ports)),
            _ => cube.dst_ports = cube.dst_ports.union_many(others.map(|o| &o.dst_ports)),
        }
    }

    /// This cube united with `other`, from which it differs in `dim` alone.
    fn absorb(mut self, mut other: Held, dim: usize) -> Held {
        if dim == 0 {
            self.cube.protocols = self.cube.protocols.union(other.cube.protocols);
            self.hashes[0] = dim_hash(&self.cube, 0);
            return self;
        }
        self.settle_but(Some(dim));
        other.settle_but(Some(dim));
        self.hashes[dim] = self.hashes[dim].wrapping_add(other.hashes[dim]);
        let owed = &mut self.owed.get_or_insert_with(|| (dim, Vec::new())).1;
        if let Some((_, more)) = other.owed.take() {
            owed.extend(more);
        }
        owed.push(other.cube);
        self
    }
}

fn unite_addrs<'s>(
    base: &'s AddrSet,
    others: impl Iterator<Item = &'s AddrSet> + Clone,
) -> AddrSet {
    AddrSet {
        v4: base.v4.union_many(others.clone().map(|o| &o.v4)),
        v6: base.v6.union_many(others.map(|o| &o.v6)),
    }
}

impl Merger {
    /// A merger holding `base` in order, unmerged (see [`coalesce_into`] for the premise).
    pub(crate) fn new(base: Vec<Cube>) -> Merger {
        let mut merger = Merger::default();
        for cube in base {
            merger.place(Held::new(cube), None);
        }
        merger
    }

    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// How many slots there are, emptied ones included.
    pub(crate) fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// The cube in `slot`, if it holds one.
    pub(crate) fn get(&self, slot: usize) -> Option<&Cube> {
        self.slots.get(slot)?.as_ref().map(|held| &held.cube)
    }

    /// The slots filled since the last call (a slot may have been emptied again since).
    pub(crate) fn take_placed(&mut self) -> Vec<usize> {
        std::mem::take(&mut self.placed)
    }

    /// Whether emptied slots outnumber the cubes, so that renumbering pays.
    pub(crate) fn sparse(&self) -> bool {
        self.slots.len() > 2 * self.live + 64
    }

    /// Merges `new` into the list, one newcomer (and each merge it causes) at a time.
    pub(crate) fn add(&mut self, new: Vec<Cube>) {
        let first_placed = self.placed.len();
        // (cube, the slot it takes when it finds no partner: a merge result keeps its partner's).
        let mut work: Vec<(Held, Option<usize>)> = new
            .into_iter()
            .rev()
            .map(|c| (Held::new(c), None))
            .collect();
        while let Some((mut item, at)) = work.pop() {
            let Some((j, dim)) = self.partner(&mut item) else {
                self.place(item, at);
                continue;
            };
            // Stale index entries of slot `j` are skipped while it is empty or changed.
            let Some(old) = self.slots[j].take() else {
                continue;
            };
            self.live -= 1;
            // The result takes the earlier of the two places.
            work.push((old.absorb(item, dim), Some(at.map_or(j, |a| a.min(j)))));
        }
        // Callers read the slots: nothing stays owed past the call.
        for &slot in &self.placed[first_placed..] {
            if let Some(held) = &mut self.slots[slot] {
                held.settle();
            }
        }
    }

    /// The slot and dimension of the cube that `item` merges with, if any: the first dimension
    /// (0 protocols to 4 destination ports) in which some cube equals it everywhere else.
    fn partner(&mut self, item: &mut Held) -> Option<(usize, usize)> {
        for dim in 0..5 {
            let Some(list) = self.index[dim].get(&key_but(&item.hashes, dim)) else {
                continue;
            };
            for j in list.as_slice().iter().map(|&j| j as usize) {
                let Some(held) = &mut self.slots[j] else {
                    continue;
                };
                held.settle_but(Some(dim));
                item.settle_but(Some(dim));
                if same_but(&held.cube, &item.cube, dim) {
                    return Some((j, dim));
                }
            }
        }
        None
    }

    fn place(&mut self, held: Held, at: Option<usize>) {
        let slot = at.unwrap_or(self.slots.len());
        for (dim, map) in self.index.iter_mut().enumerate() {
            map.entry(key_but(&held.hashes, dim))
                .and_modify(|ids| ids.push(id_of(slot)))
                .or_insert(Ids::One(id_of(slot)));
        }
        match at {
            Some(slot) => self.slots[slot] = Some(held),
            None => self.slots.push(Some(held)),
        }
        self.live += 1;
        self.placed.push(slot);
    }

    /// The cubes, in order.
    pub(crate) fn into_cubes(self) -> Vec<Cube> {
        self.slots
            .into_iter()
            .flatten()
            .map(|mut held| {
                held.settle();
                held.cube
            })
            .collect()
    }
}

/// The hash of each dimension of a cube (0 protocols, 1 source, 2 destination, 3 source ports,
/// 4 destination ports), computed once per cube: the address sets of a long remainder hold
/// thousands of intervals, and [`key_but`] needs every dimension but one five times over.
fn dim_hashes(cube: &Cube) -> [u64; 5] {
    [0, 1, 2, 3, 4].map(|dim| dim_hash(cube, dim))
}

/// The hash of one dimension of a cube (see [`dim_hashes`]); additive over disjoint sets in the
/// set dimensions.
fn dim_hash(cube: &Cube, dim: usize) -> u64 {
    let addrs =
        |set: &AddrSet| interval_hash(&set.v4, 0x7634).wrapping_add(interval_hash(&set.v6, 0x7636));
    match dim {
        0 => mix(u128::from(cube.protocols.bits()), 0x9807),
        1 => addrs(&cube.src),
        2 => addrs(&cube.dst),
        3 => interval_hash(&cube.src_ports, 0x9027),
        _ => interval_hash(&cube.dst_ports, 0x9027),
    }
}

/// A hash of the set of values itself, whatever its intervals: the sum over its intervals of
/// `g(hi + 1) − g(lo)` telescopes to the sum over its values of `g(v + 1) − g(v)`, so the hash
/// of a union of disjoint sets is the sum of their hashes. Deterministic: a fixed mixer.
fn interval_hash<T: Endpoint + Into<u128>>(set: &IntervalSet<T>, seed: u64) -> u64 {
    let g = |value: Option<T>| value.map_or(mix(u128::MAX, !seed), |v| mix(v.into(), seed));
    set.ranges().iter().fold(0u64, |hash, &(lo, hi)| {
        hash.wrapping_add(g(hi.succ())).wrapping_sub(g(Some(lo)))
    })
}

/// A 64-bit mix of a value (splitmix64's finalizer over both halves).
fn mix(value: u128, seed: u64) -> u64 {
    let fold = |x: u64| {
        let x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        let x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    };
    // Truncations on purpose: the two halves of the value are mixed one after the other.
    let (low, high) = (value as u64, (value >> 64) as u64);
    fold(
        fold(low ^ seed)
            .wrapping_add(high)
            .wrapping_add(0x9e37_79b9_7f4a_7c15),
    )
}

/// A hash of the cube's dimensions other than `dim`, from its [`dim_hashes`]: cubes that can
/// merge in `dim` share it.
fn key_but(hashes: &[u64; 5], dim: usize) -> u64 {
    let mut key = 0x5eed_u64;
    for (d, hash) in hashes.iter().enumerate() {
        if d != dim {
            key = mix(u128::from(key) << 64 | u128::from(*hash), 0);
        }
    }
    key
}

/// Whether the cubes are equal in every dimension but `dim`.
fn same_but(a: &Cube, b: &Cube, dim: usize) -> bool {
    (dim == 0 || a.protocols == b.protocols)
        && (dim == 1 || a.src == b.src)
        && (dim == 2 || a.dst == b.dst)
        && (dim == 3 || a.src_ports == b.src_ports)
        && (dim == 4 || a.dst_ports == b.dst_ports)
}
