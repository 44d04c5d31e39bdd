//! The evaluation budget of one unit (a Terraform root module with its modules, or an ARM
//! template with its nested deployments): the [`Limits`] it runs under, the steps, nesting,
//! memory and time it has used, and the VNL004 findings of the limits it hit.
//!
//! Both frontends evaluate expressions written by anyone, so both bound them the same way
//! through this one type: how deep evaluation nests (a chain of references adds a frame at each
//! link), how many steps it takes (a built-in whose work grows with its arguments charges steps
//! in proportion, [`Budget::spend`]), how long a string and how large a collection may grow
//! (a function checks the size of its result before building it, [`Budget::within`] and
//! [`Budget::affordable`]), how many bytes of values the whole evaluation builds, and how long
//! it runs ([`Deadline`]). Each limit is reported once per unit, at the first place it is hit:
//! a limit hit in a loop would otherwise repeat one finding thousands of times.
//!
//! The memory budget is an estimate, not an allocator: every evaluated value is charged its
//! [`Size::bytes`] (the text of its strings plus [`VALUE_BYTES`] per value) when it is built,
//! and a value only held for a moment (the arguments of a function call) is given back with
//! [`Budget::release`] once it is dropped. A value counted twice (a list and, before it, each
//! of its elements) makes the estimate high, never low, so the limit holds for the memory the
//! evaluation really keeps.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::{Finding, Limit, Limits, Span};

/// The estimated bytes of one value besides the text of its strings: the value itself, its
/// span and origin, and its slot in a list or object.
pub const VALUE_BYTES: u64 = 64;

/// How many steps (and allocations) pass between two readings of the clock: reading it costs
/// tens of nanoseconds, an evaluation step about as much.
const CLOCK_EVERY: u64 = 1_024;

/// What an evaluation says it reached when it hits the depth, the step or the time limit, in
/// the VNL004 finding (each frontend names its own unit: a module, a template).
#[derive(Debug, Clone, Copy)]
pub struct Reached {
    /// For `max_depth`: what nests too deeply.
    pub depth: &'static str,
    /// For `max_eval_steps`: what needs too many steps.
    pub steps: &'static str,
    /// For `max_unit_seconds`: what was still running when the time was up.
    pub time: &'static str,
}

/// What [`Budget::evaluate`] measures of each value it lets an evaluation build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Size {
    /// The bytes the value counts against `max_string_len` (0 for what is not a string).
    pub string_len: usize,
    /// The estimated bytes the value holds, counted against `max_eval_bytes`.
    pub bytes: u64,
}

/// The moment one unit's work must stop, from `max_unit_seconds`. It is `Copy` so that the
/// driver can apply the deadline of a unit's evaluation to its lowering and checks too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// `None` when the limit is too far away to be represented (it never expires).
    at: Option<Instant>,
}

impl Deadline {
    /// The deadline of a unit starting now under `limits`.
    pub fn new(limits: &Limits) -> Self {
        Self::after(Duration::from_secs(limits.max_unit_seconds))
    }

    /// The deadline `duration` from now.
    pub fn after(duration: Duration) -> Self {
        Self {
            at: Instant::now().checked_add(duration),
        }
    }

    /// A deadline that never passes.
    pub fn never() -> Self {
        Self { at: None }
    }

    /// Whether the deadline has passed (reads the clock).
    pub fn expired(&self) -> bool {
        self.at.is_some_and(|at| Instant::now() >= at)
    }
}

/// The resource limits of one evaluation and the VNL004 findings of those it hit.
///
/// Interior mutability lets every scope of an evaluation share one budget by reference; an
/// evaluation runs on one thread, so the budget is deliberately not `Sync`.
#[derive(Debug)]
pub struct Budget {
    /// The bounds the evaluation runs under.
    pub limits: Limits,
    deadline: Deadline,
    steps: Cell<u64>,
    depth: Cell<usize>,
    /// The estimated bytes of the values built and not given back.
    bytes: Cell<u64>,
    /// Set once `max_eval_bytes` is passed: nothing more is built.
    bytes_spent: Cell<bool>,
    /// Steps and allocations since the clock was last read.
    ticks: Cell<u64>,
    /// Set once the deadline is seen passed: nothing more is evaluated.
    expired: Cell<bool>,
    reported: RefCell<BTreeSet<Limit>>,
    findings: RefCell<Vec<Finding>>,
}

impl Budget {
    /// The budget of a unit starting now: its deadline is `max_unit_seconds` away.
    pub fn new(limits: Limits) -> Self {
        Self::with_deadline(limits, Deadline::new(&limits))
    }

    /// The budget of a unit whose deadline was set before (the driver's, when the unit's
    /// lowering and checks run under the same deadline as its evaluation).
    pub fn with_deadline(limits: Limits, deadline: Deadline) -> Self {
        Self {
            limits,
            deadline,
            steps: Cell::new(0),
            depth: Cell::new(0),
            bytes: Cell::new(0),
            bytes_spent: Cell::new(false),
            ticks: Cell::new(0),
            expired: Cell::new(false),
            reported: RefCell::new(BTreeSet::new()),
            findings: RefCell::new(Vec::new()),
        }
    }

    /// The unit's deadline, for the work that follows the evaluation.
    pub fn deadline(&self) -> Deadline {
        self.deadline
    }

    /// Records that `limit` was hit at `span`, and returns the reason of the unknown value
    /// that takes the place of what was not evaluated. `what` says what reached the limit.
    pub fn exceeded(&self, limit: Limit, span: Span, what: &str) -> String {
        if self.reported.borrow_mut().insert(limit) {
            self.findings.borrow_mut().push(self.limits.finding(
                limit,
                span,
                what,
                "the value is not evaluated past the limit, and what depends on it is unresolved",
            ));
        }
        format!("{what}, above the `{}` limit", limit.key())
    }

    /// Checks that `size` (elements, instances, bytes: whatever `limit` counts) is within
    /// `limit`; past it, reports the limit and returns the reason, with `what` saying what
    /// reached it. `what` is only built when the limit is hit.
    pub fn within(
        &self,
        limit: Limit,
        size: u64,
        span: Span,
        what: impl FnOnce() -> String,
    ) -> Result<(), String> {
        if size > self.limits.get(limit) {
            Err(self.exceeded(limit, span, &what()))
        } else {
            Ok(())
        }
    }

    /// Charges `steps` evaluation steps for work done at `span` (a built-in whose work grows
    /// with its arguments charges it in proportion). Past `max_eval_steps` reports the limit
    /// with `what` (what needs the steps), past the deadline the time limit; either way the
    /// work must not be done, and the reason is returned.
    pub fn spend(
        &self,
        steps: u64,
        span: Span,
        what: impl FnOnce() -> String,
    ) -> Result<(), String> {
        if !self.charge(steps) {
            return Err(self.exceeded(Limit::EvalSteps, span, &what()));
        }
        if self.expired.get() {
            return Err(self.exceeded(
                Limit::UnitSeconds,
                span,
                "the evaluation is still running at this call",
            ));
        }
        Ok(())
    }

    /// Charges the steps of the built-in `function`, called at `span`, walking `elements`
    /// elements (of its arguments, or of what it builds), before it walks them.
    pub fn spend_on(&self, function: &str, elements: usize, span: Span) -> Result<(), String> {
        if elements == 0 {
            return Ok(());
        }
        self.spend(elements as u64, span, || {
            format!("`{function}(...)` over {elements} elements")
        })
    }

    /// Checks, before it builds it, the length of the string the built-in `function` (called
    /// at `span`) would build: `len` bytes at least.
    pub fn string_of(&self, function: &str, len: usize, span: Span) -> Result<(), String> {
        if len > self.limits.max_string_len {
            return Err(self.too_long(function, len, span));
        }
        Ok(())
    }

    /// Reports that the built-in `function`, called at `span`, builds a string past
    /// `max_string_len` (`len` bytes at least), and returns the reason.
    pub fn too_long(&self, function: &str, len: usize, span: Span) -> String {
        let what = format!("`{function}(...)` would build a string of at least {len} bytes");
        self.exceeded(Limit::StringLen, span, &what)
    }

    /// Checks, before it builds it, that the value the built-in `function` (called at `span`)
    /// would build, of an estimated `bytes`, fits in what is left of `max_eval_bytes`. Nothing
    /// is charged: the value is charged once built, when its evaluation returns.
    pub fn affordable(&self, function: &str, bytes: u64, span: Span) -> Result<(), String> {
        let total = if self.bytes_spent.get() {
            u64::MAX
        } else {
            self.bytes.get().saturating_add(bytes)
        };
        self.within(Limit::EvalBytes, total, span, || {
            format!("`{function}(...)` would build about {bytes} bytes more")
        })
    }

    /// Charges the estimated `bytes` of a value built at `span`. Past `max_eval_bytes`, reports
    /// the limit and returns the reason; from then on nothing more is built (every later
    /// evaluation of the unit is unresolved), as the memory it would take is spent.
    pub fn allocate(&self, bytes: u64, span: Span) -> Result<(), String> {
        self.tick(1);
        let total = self.bytes.get().saturating_add(bytes);
        self.bytes.set(total);
        if self.bytes_spent.get() || total > self.limits.max_eval_bytes {
            self.bytes_spent.set(true);
            let what = format!("the values built so far reach {total} bytes here");
            return Err(self.exceeded(Limit::EvalBytes, span, &what));
        }
        Ok(())
    }

    /// Gives back the estimated `bytes` of a value that was charged and is dropped again (the
    /// arguments of a call, once the call returned).
    pub fn release(&self, bytes: u64) {
        self.bytes.set(self.bytes.get().saturating_sub(bytes));
    }

    /// The estimated bytes of the values built and not given back.
    pub fn bytes_used(&self) -> u64 {
        self.bytes.get()
    }

    /// Runs one nested evaluation at `span`: one step deeper and one step more, then measures
    /// the value it built with `measure`, checks its string against `max_string_len` and
    /// charges its bytes against `max_eval_bytes`. Past any limit (the depth, the steps, the
    /// time, the memory already spent, or this value's own size), reports the limit and
    /// returns the reason instead of the value.
    ///
    /// A function that can build a value much larger than its arguments checks the size
    /// before building it (`within`, `affordable`); this check after the fact is the bound of
    /// everything else, which grows at most by a small factor at each step.
    ///
    /// Besides the value it returns the bytes the value was charged (none when it was not
    /// built), which a value only held for a moment (a function's argument) gives back with
    /// [`Budget::release`] once it is dropped.
    pub fn evaluate<T>(
        &self,
        span: Span,
        reached: Reached,
        evaluate: impl FnOnce() -> T,
        measure: impl FnOnce(&T) -> Size,
    ) -> (Result<T, String>, u64) {
        let depth = self.depth.get();
        if let Some(reason) = self.refused(depth, span, reached) {
            return (Err(reason), 0);
        }
        self.depth.set(depth + 1);
        let value = evaluate();
        self.depth.set(depth);
        let size = measure(&value);
        if size.string_len > self.limits.max_string_len {
            self.bytes.set(self.bytes.get().saturating_add(size.bytes));
            let what = format!("a string of {} bytes is built here", size.string_len);
            return (
                Err(self.exceeded(Limit::StringLen, span, &what)),
                size.bytes,
            );
        }
        let charged = self.allocate(size.bytes, span).map(|()| value);
        (charged, size.bytes)
    }

    /// Takes the step of an evaluation at `depth`, and says why it may not run: too deep, out
    /// of steps or time, or the memory spent (the reason, with the limit reported).
    fn refused(&self, depth: usize, span: Span, reached: Reached) -> Option<String> {
        let (limit, what) = if depth >= self.limits.max_depth {
            (Limit::Depth, reached.depth)
        } else if !self.charge(1) {
            (Limit::EvalSteps, reached.steps)
        } else if self.expired.get() {
            (Limit::UnitSeconds, reached.time)
        } else if self.bytes_spent.get() {
            let what = "the values built so far already reach the limit";
            (Limit::EvalBytes, what)
        } else {
            return None;
        };
        Some(self.exceeded(limit, span, what))
    }

    /// The findings of the limits hit so far, leaving none behind.
    pub fn take_findings(&self) -> Vec<Finding> {
        std::mem::take(&mut *self.findings.borrow_mut())
    }

    /// Adds `steps` to the steps used; `false` once `max_eval_steps` is passed.
    fn charge(&self, steps: u64) -> bool {
        let used = self.steps.get().saturating_add(steps);
        self.steps.set(used);
        self.tick(steps);
        used <= self.limits.max_eval_steps
    }

    /// Counts work towards the next reading of the clock, and reads it when it is due.
    fn tick(&self, work: u64) {
        let ticks = self.ticks.get().saturating_add(work);
        if ticks < CLOCK_EVERY {
            self.ticks.set(ticks);
            return;
        }
        self.ticks.set(0);
        if !self.expired.get() && self.deadline.expired() {
            self.expired.set(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileId, TextRange};

    fn span() -> Span {
        Span::new(FileId(0), TextRange::new(0, 1))
    }

    #[test]
    fn each_limit_is_reported_once_where_it_is_first_hit() {
        let budget = Budget::new(Limits::default());
        let reason = budget.exceeded(Limit::Collection, span(), "the `for` has 20000 items");
        assert_eq!(
            reason,
            "the `for` has 20000 items, above the `max_collection` limit"
        );
        budget.exceeded(Limit::Collection, span(), "again");
        budget.exceeded(Limit::Depth, span(), "deep");
        let findings = budget.take_findings();
        assert_eq!(findings.len(), 2);
        assert!(findings[0].message.contains("the `for` has 20000 items"));
        assert!(budget.take_findings().is_empty());
    }

    const REACHED: Reached = Reached {
        depth: "deep",
        steps: "long",
        time: "slow",
    };

    fn nothing<T>(_: &T) -> Size {
        Size::default()
    }

    // A measure of `String` results, which `evaluate` passes by reference.
    #[allow(clippy::ptr_arg)]
    fn text_size(text: &String) -> Size {
        Size {
            string_len: text.len(),
            bytes: VALUE_BYTES + text.len() as u64,
        }
    }

    /// Nests `levels` evaluations, counting how many ran.
    fn descend(budget: &Budget, levels: usize) -> Result<usize, String> {
        if levels == 0 {
            return Ok(0);
        }
        budget
            .evaluate(span(), REACHED, || descend(budget, levels - 1), nothing)
            .0?
            .map(|n| n + 1)
    }

    #[test]
    fn nesting_is_bounded_by_depth_and_steps() {
        let budget = Budget::new(Limits {
            max_depth: 2,
            max_eval_steps: 5,
            ..Limits::default()
        });
        assert_eq!(descend(&budget, 2), Ok(2));
        assert!(descend(&budget, 3).unwrap_err().contains("`max_depth`"));
        assert_eq!(descend(&budget, 1), Ok(1));
        assert!(
            descend(&budget, 1)
                .unwrap_err()
                .contains("`max_eval_steps`")
        );
    }

    #[test]
    fn a_string_past_the_limit_is_not_returned() {
        let budget = Budget::new(Limits::default());
        let text = "x".repeat(1024 * 1024);
        let at_limit = budget
            .evaluate(span(), REACHED, || text.clone(), text_size)
            .0;
        assert_eq!(at_limit.as_deref(), Ok(text.as_str()));
        let past = budget
            .evaluate(span(), REACHED, || text.clone() + "x", text_size)
            .0;
        assert!(past.unwrap_err().contains("`max_string_len`"));
    }

    #[test]
    fn sizes_within_a_limit_pass() {
        let budget = Budget::new(Limits::default());
        assert!(
            budget
                .within(Limit::Collection, 10_000, span(), || unreachable!())
                .is_ok()
        );
        assert!(
            budget
                .within(Limit::Collection, 10_001, span(), || "big".to_owned())
                .is_err()
        );
    }

    #[test]
    fn built_values_are_charged_and_held_ones_given_back() {
        let budget = Budget::new(Limits {
            max_eval_bytes: 1_000,
            ..Limits::default()
        });
        let text = "x".repeat(400);
        let first = budget
            .evaluate(span(), REACHED, || text.clone(), text_size)
            .0;
        assert!(first.is_ok());
        assert_eq!(budget.bytes_used(), 464);
        // Given back (an argument dropped after its call): the next one fits.
        budget.release(464);
        assert!(
            budget
                .evaluate(span(), REACHED, || text.clone(), text_size)
                .0
                .is_ok()
        );
        assert!(budget.affordable("big", 600, span()).is_err());
        assert!(budget.affordable("small", 500, span()).is_ok());
        // Past the limit the value is refused, and so is every later one, however small.
        assert!(
            budget
                .evaluate(span(), REACHED, || text.clone(), text_size)
                .0
                .is_ok()
        );
        let past = budget
            .evaluate(span(), REACHED, || text.clone(), text_size)
            .0;
        assert!(past.unwrap_err().contains("`max_eval_bytes`"));
        budget.release(10_000);
        let later = budget.evaluate(span(), REACHED, String::new, text_size).0;
        assert!(later.unwrap_err().contains("`max_eval_bytes`"));
        let findings = budget.take_findings();
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(
            findings[0]
                .message
                .contains("limit `max_eval_bytes` exceeded: `big(...)` would build about 600")
        );
    }

    #[test]
    fn spending_steps_names_the_work_that_needs_them() {
        let budget = Budget::new(Limits {
            max_eval_steps: 100,
            ..Limits::default()
        });
        assert!(budget.spend(60, span(), || unreachable!()).is_ok());
        let reason = budget.spend(60, span(), || "a set of 60".to_owned());
        assert_eq!(
            reason.unwrap_err(),
            "a set of 60, above the `max_eval_steps` limit"
        );
        assert!(
            descend(&budget, 1)
                .unwrap_err()
                .contains("`max_eval_steps`")
        );
    }

    #[test]
    fn evaluation_stops_at_the_deadline() {
        let limits = Limits::default();
        assert!(!Deadline::new(&limits).expired());
        assert!(!Deadline::never().expired());
        assert!(Deadline::after(Duration::ZERO).expired());
        // `u64::MAX` seconds cannot be represented: it never expires rather than overflowing.
        let far = Limits {
            max_unit_seconds: u64::MAX,
            ..limits
        };
        assert!(!Deadline::new(&far).expired());

        let budget = Budget::with_deadline(limits, Deadline::after(Duration::ZERO));
        // The clock is read every `CLOCK_EVERY` steps, not at each one.
        assert_eq!(descend(&budget, 1), Ok(1));
        assert!(
            budget
                .spend(CLOCK_EVERY, span(), || unreachable!())
                .is_err()
        );
        let reason = descend(&budget, 1).unwrap_err();
        assert!(reason.contains("`max_unit_seconds`"), "{reason}");
        let findings = budget.take_findings();
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0]
                .message
                .contains("above the limit of 10 seconds")
        );
        assert_eq!(budget.deadline(), budget.deadline());
    }
}
