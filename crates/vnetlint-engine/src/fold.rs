//! Long folds over packet sets, exact and indexed: the remainder of a first-match walk
//! ([`Remainder`]), a union built one set at a time ([`PacketUnion`]), the subtraction of a
//! long list of cubes ([`carve`]), and the address pairs a set allows wholly ([`open_pairs`]).
//! Each yields, cube for cube and in the same order, the list the plain operations of
//! [`PacketSet`] yield, so nothing downstream changes (a witness is read from the first cube of
//! a set); each finds the few cubes a step touches through a [`CubeIndex`] instead of testing
//! every cube of the list.
//!
//! # Design note: why the plain folds grow as the cube of the rules
//!
//! Evaluating an NSG over a query walks its rules in order and splits the remainder by each. A
//! rule of ten source and ten destination prefixes cuts an Internet-wide remainder into the part
//! outside its sources, its sources outside its destinations, and its sources and destinations
//! outside its ports: the remainder gains two cubes per rule, and each rule then tests every one
//! of them (n rules × n cubes), the Internet-wide cube holding one interval more per prefix seen
//! (n rules × n cubes × n intervals). The union of the allowed parts and the subtractions that
//! follow fold the same way. These changes remove the factors, none the result:
//!
//! - a step tests only the cubes the index offers ([`CubeIndex`]: one rule's prefixes meet a few
//!   cubes, however long the remainder), in their order in the list;
//! - interval sets meet a long set by binary search, and a long set loses a few intervals in
//!   one copy (`interval.rs`), so the Internet-wide cube costs a logarithm per test and one copy
//!   per cut;
//! - a union keeps its merge index between sets ([`Merger`]) rather than merging the whole list
//!   again for each set, and a merge owes its union until it is needed (`merge.rs`), so pieces
//!   merging one by one into one cube do not copy the growing set each time.
//!
//! What stays: a rule still cuts every cube it meets, so a rule from `0.0.0.0/0` that meets
//! every cube of a long remainder costs O(n), as the exact result needs its pieces; with one
//! such rule in a hundred the walk is O(n²/100) (`docs/performance.md`, issue 13).
//!
//! The order is kept because it is observable: [`PacketSet::split`] keeps the untouched cubes in
//! place and appends the merged pieces, so the remainder keeps a slot per cube, empties a slot
//! when its cube is cut and appends the pieces; a subtraction replaces a piece by its own pieces
//! where it stood, so [`carve`] keeps them in a linked list. Skipping a cube the index does not
//! offer is exact: a cube that does not meet a rule is neither part of the rule's decision nor
//! cut by it, and a cube that does not meet `a` cannot cut a piece of `a`.
//!
//! Each structure indexes only above [`INDEX_FROM`] cubes, so the short lists of ordinary NSGs
//! run the plain loops. The property tests in `packet.rs` compare each with the plain
//! operations on lists long enough to be indexed.

use crate::index::{CubeIndex, id_of};
use crate::merge::{Merger, PAIRWISE_COALESCE, coalesce, coalesce_into, coalesce_pairwise};
use crate::packet::{Cube, PacketSet, ProtocolSet};

/// From this many cubes on, a list is indexed.
pub(crate) const INDEX_FROM: usize = 32;

/// The remainder of a first-match walk: the packets of the query no rule has decided yet.
pub(crate) struct Remainder {
    /// The cubes in their order; `None` where a cube was cut.
    slots: Vec<Option<Cube>>,
    live: usize,
    index: Option<CubeIndex>,
}

impl Remainder {
    pub(crate) fn new(set: PacketSet) -> Remainder {
        let slots: Vec<Option<Cube>> = set.into_cubes().into_iter().map(Some).collect();
        let live = slots.len();
        let mut remainder = Remainder {
            slots,
            live,
            index: None,
        };
        remainder.reindex();
        remainder
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Takes the packets `matched` holds out of the remainder and returns them, or `None` when
    /// it holds none: [`PacketSet::split`] cube for cube.
    pub(crate) fn split_off(&mut self, matched: &PacketSet) -> Option<PacketSet> {
        let touched = self.touched(matched);
        if touched.is_empty() {
            return None;
        }
        let mut inside = Vec::new();
        let mut pieces = Vec::new();
        for slot in touched {
            if let Some(cube) = self.slots[slot].take() {
                self.live -= 1;
                cube.cut(matched.cubes(), &mut inside, &mut pieces);
            }
        }
        // Renumbering before the pieces come spares indexing them twice when a rule cut most
        // of the remainder.
        if self.slots.len() > 2 * self.live + 64 {
            self.slots.retain(Option::is_some);
            self.reindex();
        }
        for cube in coalesce(pieces) {
            self.push(cube);
        }
        Some(PacketSet::from_disjoint(coalesce(inside)))
    }

    /// The slots whose cube meets `matched`, ascending.
    fn touched(&mut self, matched: &PacketSet) -> Vec<usize> {
        let meets = |cube: &Cube| matched.cubes().iter().any(|b| cube.overlaps(b));
        let Some(index) = &mut self.index else {
            return (0..self.slots.len())
                .filter(|&slot| self.slots[slot].as_ref().is_some_and(meets))
                .collect();
        };
        let mut ids = Vec::new();
        for cube in matched.cubes() {
            index.query(cube, &mut ids);
        }
        let mut touched: Vec<usize> = ids
            .into_iter()
            .map(|id| id as usize)
            .filter(|&slot| self.slots[slot].as_ref().is_some_and(meets))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        touched
    }

    fn push(&mut self, cube: Cube) {
        if let Some(index) = &mut self.index {
            index.insert(id_of(self.slots.len()), &cube);
        }
        self.slots.push(Some(cube));
        self.live += 1;
        if self.index.is_none() && self.live >= INDEX_FROM {
            self.reindex();
        }
    }

    fn reindex(&mut self) {
        self.index = (self.live >= INDEX_FROM).then(|| index_slots(&self.slots));
    }
}

/// An index of the cubes of `slots`, each under its slot.
fn index_slots(slots: &[Option<Cube>]) -> CubeIndex {
    let mut index = CubeIndex::default();
    for (slot, cube) in slots.iter().enumerate() {
        if let Some(cube) = cube {
            index.insert(id_of(slot), cube);
        }
    }
    index
}

/// A union of packet sets built one set at a time: [`PacketUnion::finish`] returns cube for cube
/// what folding [`PacketSet::union`] over the same sets returns, at a cost that grows with the
/// cubes added rather than with the union's length times the number of sets.
#[derive(Debug, Clone, Default)]
pub struct PacketUnion {
    acc: Acc,
    /// Whether no two cubes of the union merge: false only while it holds the first set as it
    /// came (`union` takes it whole).
    settled: bool,
}

#[derive(Debug, Clone)]
enum Acc {
    /// A short list (or the first set), merged pair by pair as [`PacketSet::union`] does.
    Plain(Vec<Cube>),
    /// A long list: its merge index, and an index of its slots for the subtraction.
    Long(Box<(Merger, CubeIndex)>),
}

impl Default for Acc {
    fn default() -> Self {
        Acc::Plain(Vec::new())
    }
}

impl PacketUnion {
    pub fn new() -> PacketUnion {
        PacketUnion::default()
    }

    pub fn is_empty(&self) -> bool {
        match &self.acc {
            Acc::Plain(cubes) => cubes.is_empty(),
            Acc::Long(long) => long.0.len() == 0,
        }
    }

    /// Adds the packets of `set`: the union so far `.union(set)`.
    pub fn add(&mut self, set: &PacketSet) {
        if self.is_empty() {
            self.take_first(set.cubes().to_vec());
            return;
        }
        let new = match &mut self.acc {
            Acc::Plain(cubes) => set
                .subtract(&PacketSet::from_disjoint(cubes.clone()))
                .into_cubes(),
            Acc::Long(long) => {
                let (merger, index) = &mut **long;
                subtract_slots(set, merger, index)
            }
        };
        self.absorb(new);
    }

    /// Adds the packets of `set`, which the caller knows share none with the union so far (the
    /// parts of one first-match evaluation): [`PacketUnion::add`] without the subtraction.
    pub(crate) fn add_disjoint(&mut self, set: PacketSet) {
        if self.is_empty() {
            self.take_first(set.into_cubes());
            return;
        }
        // `set − union` keeps every cube of `set`, merged as `PacketSet::subtract` merges them.
        let cubes = set.into_cubes();
        let new = if cubes.len() <= PAIRWISE_COALESCE {
            coalesce_pairwise(cubes)
        } else {
            cubes
        };
        self.absorb(new);
    }

    fn take_first(&mut self, cubes: Vec<Cube>) {
        self.acc = Acc::Plain(cubes);
        self.settled = false;
    }

    /// The union so far followed by `new` (what is new in the added set), merged as
    /// [`PacketSet::union`] merges.
    fn absorb(&mut self, new: Vec<Cube>) {
        let acc = std::mem::take(&mut self.acc);
        let total = match &acc {
            Acc::Plain(cubes) => cubes.len(),
            Acc::Long(long) => long.0.len(),
        } + new.len();
        self.acc = match acc {
            Acc::Plain(mut cubes) if total <= PAIRWISE_COALESCE => {
                cubes.extend(new);
                Acc::Plain(coalesce_pairwise(cubes))
            }
            Acc::Long(long) if total <= PAIRWISE_COALESCE => {
                let mut cubes = long.0.into_cubes();
                cubes.extend(new);
                Acc::Plain(coalesce_pairwise(cubes))
            }
            Acc::Plain(cubes) => {
                // A settled list is placed as a fresh merge would place it; the first set may
                // still merge within itself, as `union` merges the whole list.
                let mut merger = if self.settled {
                    Merger::new(cubes)
                } else {
                    let mut merger = Merger::new(Vec::new());
                    merger.add(cubes);
                    merger
                };
                merger.add(new);
                merger.take_placed();
                let index = index_merger(&merger);
                Acc::Long(Box::new((merger, index)))
            }
            Acc::Long(long) => {
                let (mut merger, mut index) = *long;
                merger.add(new);
                if merger.sparse() {
                    merger = Merger::new(merger.into_cubes());
                    merger.take_placed();
                    index = index_merger(&merger);
                } else {
                    for slot in merger.take_placed() {
                        if let Some(cube) = merger.get(slot) {
                            index.insert(id_of(slot), cube);
                        }
                    }
                }
                Acc::Long(Box::new((merger, index)))
            }
        };
        self.settled = true;
    }

    /// The union.
    pub fn finish(self) -> PacketSet {
        PacketSet::from_disjoint(match self.acc {
            Acc::Plain(cubes) => cubes,
            Acc::Long(long) => long.0.into_cubes(),
        })
    }
}

/// An index of the cubes of `merger`, each under its slot.
fn index_merger(merger: &Merger) -> CubeIndex {
    let mut index = CubeIndex::default();
    for slot in 0..merger.slot_count() {
        if let Some(cube) = merger.get(slot) {
            index.insert(id_of(slot), cube);
        }
    }
    index
}

/// The packets of `query` between a source and a destination all of whose packets in `query`
/// are in `allowed`: `query` minus, for each cube of `query − allowed`, its sources × its
/// destinations × `protocols` × every port. With `query` the Internet to a host on every TCP
/// port, the pairs that reach every port (VNL103). The union runs through a [`PacketUnion`]:
/// an NSG of thousands of rules leaves thousands of denied cubes.
pub fn open_pairs(query: &PacketSet, allowed: &PacketSet, protocols: ProtocolSet) -> PacketSet {
    let denied = query.subtract(allowed);
    let mut partly_closed = PacketUnion::new();
    for cube in denied.cubes() {
        partly_closed.add(&PacketSet::from_cube(Cube {
            src: cube.src.clone(),
            dst: cube.dst.clone(),
            protocols,
            ..Cube::all()
        }));
    }
    query.subtract(&partly_closed.finish())
}

/// `set − the cubes of merger`, as [`PacketSet::subtract`] computes it, with the cubes found
/// through their index.
fn subtract_slots(set: &PacketSet, merger: &Merger, index: &mut CubeIndex) -> Vec<Cube> {
    let mut untouched = Vec::new();
    let mut cut = Vec::new();
    let mut ids = Vec::new();
    for a in set.cubes() {
        ids.clear();
        index.query(a, &mut ids);
        let mut meeting: Vec<usize> = ids
            .iter()
            .map(|&id| id as usize)
            .filter(|&slot| merger.get(slot).is_some_and(|b| a.overlaps(b)))
            .collect();
        if meeting.is_empty() {
            untouched.push(a.clone());
            continue;
        }
        meeting.sort_unstable();
        cut.extend(carve(
            a,
            meeting.iter().filter_map(|&slot| merger.get(slot)),
        ));
    }
    coalesce_into(untouched, cut)
}

/// `a` minus the cubes `others`, one after the other: the pieces of the subtraction loop of
/// [`PacketSet::subtract`], in its order. Once the pieces are many, each cube cuts only the
/// pieces it meets ([`Pieces`]).
pub(crate) fn carve<'c>(a: &Cube, others: impl IntoIterator<Item = &'c Cube>) -> Vec<Cube> {
    let mut others = others.into_iter();
    let mut pieces = vec![a.clone()];
    while let Some(b) = others.next() {
        if pieces.is_empty() {
            break;
        }
        pieces = pieces.iter().flat_map(|p| p.subtract(b)).collect();
        if pieces.len() >= INDEX_FROM {
            let mut list = Pieces::new(pieces);
            for b in others {
                if list.live == 0 {
                    break;
                }
                list.cut(b);
            }
            return list.into_cubes();
        }
    }
    pieces
}

/// The pieces of a subtraction in a linked list, so that a piece is replaced by its own pieces
/// where it stands, and indexed, so that a cube cuts only the pieces it meets.
struct Pieces {
    slots: Vec<Option<Cube>>,
    /// The slot after each slot in the list's order.
    next: Vec<Option<usize>>,
    live: usize,
    index: CubeIndex,
}

impl Pieces {
    fn new(cubes: Vec<Cube>) -> Pieces {
        let live = cubes.len();
        let next = (1..=live).map(|n| (n < live).then_some(n)).collect();
        let slots: Vec<Option<Cube>> = cubes.into_iter().map(Some).collect();
        let index = index_slots(&slots);
        Pieces {
            slots,
            next,
            live,
            index,
        }
    }

    /// Replaces every piece `b` meets by its pieces outside `b`.
    fn cut(&mut self, b: &Cube) {
        let mut ids = Vec::new();
        self.index.query(b, &mut ids);
        for slot in ids.into_iter().map(|id| id as usize) {
            let Some(piece) = self.slots[slot].take_if(|p| p.overlaps(b)) else {
                continue;
            };
            let mut rest = piece.subtract(b).into_iter();
            self.live -= 1;
            let Some(first) = rest.next() else {
                continue;
            };
            self.index.insert(id_of(slot), &first);
            self.slots[slot] = Some(first);
            self.live += 1;
            let mut after = slot;
            for cube in rest {
                let new = self.slots.len();
                self.index.insert(id_of(new), &cube);
                self.slots.push(Some(cube));
                self.next.push(self.next[after]);
                self.next[after] = Some(new);
                self.live += 1;
                after = new;
            }
        }
    }

    fn into_cubes(mut self) -> Vec<Cube> {
        let mut out = Vec::with_capacity(self.live);
        let mut at = (!self.slots.is_empty()).then_some(0);
        while let Some(slot) = at {
            out.extend(self.slots[slot].take());
            at = self.next[slot];
        }
        out
    }
}
