//! The evaluation budget of one unit (a Terraform root module with its modules, or an ARM
//! template with its nested deployments): the [`Limits`] it runs under, the steps and nesting
//! it has used, and the VNL004 findings of the limits it hit.
//!
//! Both frontends evaluate expressions written by anyone, so both bound them the same way
//! through this one type: how deep evaluation nests (a chain of references adds a frame at each
//! link), how many steps it takes, how long a string and how large a collection may grow.
//! Each limit is reported once per unit, at the first place it is hit: a limit hit in a loop
//! would otherwise repeat one finding thousands of times.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use crate::{Finding, Limit, Limits, Span};

/// What an evaluation says it reached when it hits the depth or the step limit, in the VNL004
/// finding (each frontend names its own unit: a module, a template).
#[derive(Debug, Clone, Copy)]
pub struct Reached {
    /// For `max_depth`: what nests too deeply.
    pub depth: &'static str,
    /// For `max_eval_steps`: what needs too many steps.
    pub steps: &'static str,
}

/// The resource limits of one evaluation and the VNL004 findings of those it hit.
///
/// Interior mutability lets every scope of an evaluation share one budget by reference; an
/// evaluation runs on one thread, so the budget is deliberately not `Sync`.
#[derive(Debug)]
pub struct Budget {
    /// The bounds the evaluation runs under.
    pub limits: Limits,
    steps: Cell<u64>,
    depth: Cell<usize>,
    reported: RefCell<BTreeSet<Limit>>,
    findings: RefCell<Vec<Finding>>,
}

impl Budget {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            steps: Cell::new(0),
            depth: Cell::new(0),
            reported: RefCell::new(BTreeSet::new()),
            findings: RefCell::new(Vec::new()),
        }
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

    /// Charges `steps` evaluation steps; `false` once the step budget is spent.
    pub fn charge(&self, steps: u64) -> bool {
        let used = self.steps.get().saturating_add(steps);
        self.steps.set(used);
        used <= self.limits.max_eval_steps
    }

    /// Runs one nested evaluation at `span`: one step deeper and one step more, then measures
    /// the string it built with `string_len` (0 for what is not a string). Past `max_depth`,
    /// `max_eval_steps` or `max_string_len`, reports the limit and returns the reason instead
    /// of the value; the string is checked on every result, so it doubles at most once past
    /// the limit.
    pub fn evaluate<T>(
        &self,
        span: Span,
        reached: Reached,
        evaluate: impl FnOnce() -> T,
        string_len: impl FnOnce(&T) -> usize,
    ) -> Result<T, String> {
        let depth = self.depth.get();
        if depth >= self.limits.max_depth {
            return Err(self.exceeded(Limit::Depth, span, reached.depth));
        }
        if !self.charge(1) {
            return Err(self.exceeded(Limit::EvalSteps, span, reached.steps));
        }
        self.depth.set(depth + 1);
        let value = evaluate();
        self.depth.set(depth);
        let len = string_len(&value);
        if len > self.limits.max_string_len {
            let what = format!("a string of {len} bytes is built here");
            return Err(self.exceeded(Limit::StringLen, span, &what));
        }
        Ok(value)
    }

    /// The findings of the limits hit so far, leaving none behind.
    pub fn take_findings(&self) -> Vec<Finding> {
        std::mem::take(&mut *self.findings.borrow_mut())
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
    };

    /// Nests `levels` evaluations, counting how many ran.
    fn descend(budget: &Budget, levels: usize) -> Result<usize, String> {
        if levels == 0 {
            return Ok(0);
        }
        budget
            .evaluate(span(), REACHED, || descend(budget, levels - 1), |_| 0)?
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
        let at_limit = budget.evaluate(span(), REACHED, || text.clone(), String::len);
        assert_eq!(at_limit.as_deref(), Ok(text.as_str()));
        let past = budget.evaluate(span(), REACHED, || text.clone() + "x", String::len);
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
}
