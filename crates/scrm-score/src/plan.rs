//! The what-if plan: the smallest set of answer improvements that clears the bar.
//!
//! With the active question set fixed, every thresholded measure (combined, each lens,
//! coverage) is linear in the answers (see `coeff`). The plan first applies the forced moves
//! (failed knock-outs, and contradictions when the policy makes them `deny`), then searches for
//! the fewest further questions whose improvement covers every remaining deficit (a forced
//! question raised further is in every set and counts no step): sizes k = 0, 1, … are tried in
//! turn by depth-first search with an upper-bound prune (the k best remaining gains per measure
//! must still cover that measure's deficit). The first k with a
//! solution is provably the fewest when the search ran to completion. Among solutions of that
//! size, the targets of each set are chosen exactly (smallest total increase) by a second
//! bounded search. Both searches have node budgets; when one runs out the plan falls back to a
//! greedy choice and says it is not provably minimal. docs/scoring.md §9 states this in full.

use crate::engine::{Engine, apply_changes};
use scrm_model::round::no_negative_zero;
use scrm_model::{
    AnswerKind, AnswerValue, Code, Exclusion, Finding, Plan, PlanStep, QuestionId, Severity,
    Status, Vendor,
};
use std::collections::BTreeMap;

/// Node budget for the cardinality search.
const SET_BUDGET: u64 = 200_000;
/// Candidates tried, in all, by the trades that shorten a greedy plan ([`swap_two_for_one`]).
const SWAP_BUDGET: u64 = 200_000;
/// Node budget for choosing the smallest increase within one set.
const LEVEL_BUDGET: u64 = 20_000;
/// Sets whose level combinations exceed this are lowered greedily instead of searched.
const LEVEL_COMBINATIONS: f64 = 4096.0;
/// Above this set size the cardinality search is not attempted (greedy, then lowering).
const MAX_EXACT_SET: usize = 12;
/// Slack for floating-point comparisons of linear bounds: the findings' tolerance, so that what
/// the plan counts as cleared is what scoring counts as passed (the final check re-scores).
const EPS: f64 = crate::SCORE_TOLERANCE;

/// A thresholded measure: per-question gain per unit of normalized increase, and the deficit.
struct Constraint {
    /// Gain in the measure per unit of normalized answer increase, per question.
    unit: Vec<f64>,
    /// Whether this is the coverage measure (gain is a step when an unanswered question is answered).
    coverage_step: Option<f64>,
    deficit: f64,
}

/// A feasible set: (total increase, chosen (candidate, level) pairs, whether exact).
type Choice = (f64, Vec<(usize, AnswerValue)>, bool);

/// One candidate question and its possible targets.
#[derive(Clone)]
struct Candidate {
    q: usize,
    /// Current effective value (after the evidence rule; 0 for unanswered).
    current: f64,
    /// Current normalized answer value (0 for unanswered): the base of the increase.
    answered_value: f64,
    /// Whether it is unanswered now (answering it raises coverage).
    unanswered: bool,
    /// Targets above the current answer (and above any forced floor), ascending; a forced
    /// question's first is its forced level itself (staying there adds nothing).
    levels: Vec<AnswerValue>,
    /// Whether a forced move already changes it: raising it further adds no step to the plan.
    forced: bool,
}

impl Candidate {
    /// The steps choosing it adds to the plan.
    fn steps(&self) -> usize {
        usize::from(!self.forced)
    }
}

fn levels_above(kind: AnswerKind, current: AnswerValue) -> Vec<AnswerValue> {
    let cur = current.normalized().unwrap_or(-1.0);
    let all: Vec<AnswerValue> = match kind {
        AnswerKind::Maturity => (0..=5).map(AnswerValue::Maturity).collect(),
        AnswerKind::YesPartialNo => vec![AnswerValue::No, AnswerValue::Partial, AnswerValue::Yes],
    };
    all.into_iter()
        .filter(|v| {
            v.normalized().unwrap_or(0.0) > cur
                || (!current.is_answered() && v.normalized() == Some(0.0))
        })
        .collect()
}

impl Engine {
    /// The smallest set of answer improvements that makes the vendor clear the bar (no
    /// knock-out or threshold failure). Hard gates are reported as not fixable by answers and
    /// ignored by the search: an excluded vendor's plan clears its other findings, and it stays
    /// excluded (docs/scoring.md §9.2).
    pub fn plan(&self, vendor: &Vendor, exclusions: &[&Exclusion]) -> Plan {
        let before = self.score(vendor, exclusions);
        let unfixable: Vec<Finding> = before
            .findings
            .iter()
            .filter(|f| f.is_hard_gate())
            .cloned()
            .collect();
        let needs_work = before
            .findings
            .iter()
            .any(|f| !f.is_hard_gate() && f.severity == Severity::Deny);
        if !needs_work {
            return self.finish(
                vendor,
                exclusions,
                before.status,
                Vec::new(),
                (true, 0),
                unfixable,
            );
        }

        // Forced moves.
        let tier = before.tier;
        let ev0 = self.eval(vendor);
        let mut forced: BTreeMap<usize, AnswerValue> = BTreeMap::new();
        let mut raise = |qi: usize, to: AnswerValue| {
            let e = forced.entry(qi).or_insert(to);
            if to.normalized() > e.normalized() {
                *e = to;
            }
        };
        // The policy's questions as the engine found them once (`Structure::knockout_ix`).
        for (k, &qi) in self.policy.knockouts.iter().zip(&self.s.knockout_ix) {
            if !k.tiers.is_empty() && !k.tiers.contains(&tier) {
                continue;
            }
            if let Some(qi) = qi
                && ev0.applicable[qi]
            {
                let v = ev0.values[qi];
                let ok = match v {
                    AnswerValue::NotApplicable => k.na_passes,
                    AnswerValue::Unanswered => false,
                    x => x.normalized() >= k.minimum.normalized(),
                };
                if !ok {
                    raise(qi, k.minimum);
                }
            }
        }
        if self.policy.severity(Code::ContradictoryAnswers) == Some(Severity::Deny) {
            for f in before
                .findings
                .iter()
                .filter(|f| f.code == Code::ContradictoryAnswers && f.exempted.is_none())
            {
                let rules = self.policy.contradictions.iter();
                for (c, &(_, expect)) in rules.zip(&self.s.contradiction_ix) {
                    if let Some(qi) = expect
                        && f.questions.iter().any(|q| q.as_str() == c.expect)
                    {
                        raise(qi, c.expect_at_least);
                    }
                }
            }
        }
        let forced_changes: Vec<(QuestionId, AnswerValue)> = forced
            .iter()
            .map(|(qi, v)| (self.s.questions[*qi].id, *v))
            .collect();
        let v1 = apply_changes(vendor, &forced_changes, self.as_of);
        let ev = self.eval(&v1);

        // Constraints after the forced moves.
        let th = self.policy.thresholds(tier);
        let mut constraints = Vec::new();
        let n = self.s.questions.len();
        if let (Some(t), Some(c)) = (th.combined, ev.coef.combined.as_ref()) {
            let cur = ev.combined().unwrap_or(0.0);
            constraints.push(Constraint {
                unit: c.iter().map(|x| 5.0 * x).collect(),
                coverage_step: None,
                deficit: t - cur,
            });
        }
        for lens in scrm_model::Lens::ALL {
            if let (Some(t), Some(lc)) = (th.lens(lens), ev.coef.lenses[lens as usize].as_ref()) {
                let cur = ev.lens_score(lens).unwrap_or(0.0);
                constraints.push(Constraint {
                    unit: lc.questions.iter().map(|x| 5.0 * x).collect(),
                    coverage_step: None,
                    deficit: t - cur,
                });
            }
        }
        let (applicable, answered) = ev.coverage_counts();
        if let Some(t) = th.coverage
            && applicable > 0
        {
            let step = 1.0 / f64::from(applicable);
            constraints.push(Constraint {
                unit: vec![0.0; n],
                coverage_step: Some(step),
                deficit: t - f64::from(answered) * step,
            });
        }
        constraints.retain(|c| c.deficit > EPS);

        // Candidates: active questions that can still go up.
        let mut cands: Vec<Candidate> = Vec::new();
        for (qi, q) in self.s.questions.iter().enumerate() {
            if !ev.active[qi] {
                continue;
            }
            let mut levels = levels_above(q.answer.kind, ev.values[qi]);
            if levels.is_empty() {
                continue;
            }
            let forced = forced.contains_key(&qi);
            if forced {
                // A forced question is in every plan already: it may stay at its forced level
                // (no gain, no cost), so the set search can take it without a step (§9.6).
                levels.insert(0, ev.values[qi]);
            }
            cands.push(Candidate {
                q: qi,
                current: ev.effective[qi],
                answered_value: ev.values[qi].normalized().unwrap_or(0.0),
                unanswered: !ev.values[qi].is_answered(),
                levels,
                forced,
            });
        }
        let (chosen, proven, bound) = if constraints.is_empty() {
            (Vec::new(), true, 0)
        } else {
            search(&cands, &constraints)
        };
        // Every plan makes the forced moves, and needs at least `bound` changes besides them
        // (the search counts only questions that add a step: a forced question raised further
        // adds none).
        let min_steps = forced_changes.len() + bound;
        let mut changes = forced_changes;
        for (ci, level) in chosen {
            let q = &self.s.questions[cands[ci].q];
            if let Some(existing) = changes.iter_mut().find(|(id, _)| *id == q.id) {
                existing.1 = level;
            } else {
                changes.push((q.id, level));
            }
        }
        changes.sort();
        self.finish(
            vendor,
            exclusions,
            before.status,
            changes,
            (proven, min_steps),
            unfixable,
        )
    }

    fn finish(
        &self,
        vendor: &Vendor,
        exclusions: &[&Exclusion],
        status_before: Status,
        changes: Vec<(QuestionId, AnswerValue)>,
        (proven, min_steps): (bool, usize),
        unfixable: Vec<Finding>,
    ) -> Plan {
        let after = self.what_if(vendor, &changes, exclusions);
        let ev = self.eval(vendor);
        let steps: Vec<PlanStep> = changes
            .iter()
            .map(|(q, to)| {
                let from = vendor
                    .answers
                    .get(q)
                    .map_or(AnswerValue::Unanswered, |a| a.value);
                let _ = &ev;
                let increase =
                    5.0 * (to.normalized().unwrap_or(0.0) - from.normalized().unwrap_or(0.0));
                PlanStep {
                    question: *q,
                    from,
                    to: *to,
                    increase,
                }
            })
            .collect();
        // The empty sum's -0.0 made 0.0.
        let total_increase = no_negative_zero(steps.iter().map(|s| s.increase).sum());
        // Feasible: the answers clear the bar, every non-gate finding below `deny`. A hard gate
        // is not theirs to clear: the plan is feasible, and proven, past one (the supplier
        // stays excluded; `unfixable` says why).
        let feasible = !after
            .findings
            .iter()
            .any(|f| !f.is_hard_gate() && f.severity == Severity::Deny);
        let remaining = after
            .findings
            .iter()
            .filter(|f| !f.is_hard_gate() && f.severity >= Severity::Warn)
            .cloned()
            .collect();
        Plan {
            vendor_id: vendor.id().clone(),
            status_before,
            status_after: after.status,
            feasible,
            provably_minimal: proven && feasible,
            // A proven plan's own length; otherwise never above it (the bound is a bound).
            min_steps: if proven && feasible {
                steps.len()
            } else {
                min_steps.min(steps.len())
            },
            steps,
            total_increase,
            unfixable,
            remaining,
            after: Box::new(after),
        }
    }
}

/// Gain of a candidate raised to normalized value `to`, on constraint `c`. Improved answers are
/// backed by current evidence, so the effective value is exactly `to`.
fn gain(c: &Constraint, cand: &Candidate, to: f64) -> f64 {
    match c.coverage_step {
        Some(step) => {
            if cand.unanswered {
                step
            } else {
                0.0
            }
        }
        None => c.unit[cand.q] * (to - cand.current),
    }
}

fn max_gain(c: &Constraint, cand: &Candidate) -> f64 {
    let top = cand
        .levels
        .last()
        .and_then(|v| v.normalized())
        .unwrap_or(0.0);
    gain(c, cand, top)
}

/// What the search chose: the (candidate index, target level) pairs, whether minimality is
/// proven, and a proven lower bound on the number of candidates any set clearing the
/// constraints needs (the set's own size when that number is proven the fewest).
type Searched = (Vec<(usize, AnswerValue)>, bool, usize);

fn search(cands: &[Candidate], cons: &[Constraint]) -> Searched {
    // Candidates ordered by usefulness, so good sets are found early.
    let useful = |i: usize| -> f64 {
        cons.iter()
            .map(|c| (max_gain(c, &cands[i]) / c.deficit).min(1.0))
            .sum()
    };
    let mut all: Vec<usize> = (0..cands.len()).filter(|i| useful(*i) > 0.0).collect();
    all.sort_by(|a, b| useful(*b).total_cmp(&useful(*a)).then(a.cmp(b)));
    // The forced questions that can help are free: every plan changes them already, so every
    // set takes them (each may stay at its forced level) and the size `k` counts the others,
    // the questions that add a step (docs/scoring.md §9.6).
    let (free, order): (Vec<usize>, Vec<usize>) = all.iter().partition(|&&i| cands[i].forced);
    let free_gain: Vec<f64> = cons
        .iter()
        .map(|c| free.iter().map(|&i| max_gain(c, &cands[i])).sum())
        .collect();
    // Per constraint, max gains sorted descending (for the bound).
    let sorted: Vec<Vec<(f64, usize)>> = cons
        .iter()
        .map(|c| {
            let mut v: Vec<(f64, usize)> =
                order.iter().map(|&i| (max_gain(c, &cands[i]), i)).collect();
            v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            v
        })
        .collect();
    // A provable lower bound on the set size: each constraint needs at least as many questions
    // as its largest gains take to cover what the free questions leave of its deficit.
    let k_min = sorted
        .iter()
        .zip(cons)
        .zip(&free_gain)
        .map(|((s, c), f)| {
            let mut acc = *f;
            if acc + EPS >= c.deficit {
                return 0;
            }
            s.iter()
                .position(|(g, _)| {
                    acc += g;
                    acc + EPS >= c.deficit
                })
                .map_or(usize::MAX, |p| p + 1)
        })
        .max()
        .unwrap_or(0);
    if k_min == usize::MAX {
        // Not even every candidate clears the constraints: no bound to speak of.
        return (lowered(cands, cons, &greedy(cands, cons, &all)), false, 0);
    }
    if k_min > MAX_EXACT_SET {
        // Too large to search: greedy, shortened. When it reaches the bound its size is the
        // fewest (`min_steps` then equals its steps), though its increase is not proven least.
        let g = greedy(cands, cons, &all);
        return (lowered(cands, cons, &g), false, k_min);
    }
    // Each candidate's best gain per constraint, looked up at every node of the search below
    // (the same numbers `max_gain` gives, summed in the same order).
    let best_gain: Vec<Vec<f64>> = cons
        .iter()
        .map(|c| cands.iter().map(|cand| max_gain(c, cand)).collect())
        .collect();
    let mut budget = SET_BUDGET;
    let mut exhausted = false;
    // Every size below `bound` was searched through without a set that clears them.
    let mut bound = k_min;
    let search = Search {
        cands,
        cons,
        order: &order,
        free: &free,
        sorted: &sorted,
        best_gain: &best_gain,
    };
    for k in k_min..=order.len().min(MAX_EXACT_SET) {
        let mut best: Option<Choice> = None;
        let mut chosen = Vec::new();
        search.dfs(k, 0, &mut chosen, &mut budget, &mut exhausted, &mut best);
        if let Some((_, set, exact)) = best {
            return (set, !exhausted && exact, k);
        }
        if exhausted {
            break;
        }
        bound = k + 1;
    }
    let g = greedy(cands, cons, &all);
    (lowered(cands, cons, &g), false, bound)
}

/// The greedy set's targets, lowered as far as every constraint allows.
fn lowered(
    cands: &[Candidate],
    cons: &[Constraint],
    set: &[(usize, AnswerValue)],
) -> Vec<(usize, AnswerValue)> {
    let idx: Vec<usize> = set.iter().map(|(i, _)| *i).collect();
    match cheapest_targets(cands, cons, &idx) {
        Some((_, targets, _)) => targets,
        None => set.to_vec(),
    }
}

/// The set search's fixed inputs: the candidates that add a step, in search order; the free
/// (forced) ones every set takes; and the gains the bound looks up.
struct Search<'a> {
    cands: &'a [Candidate],
    cons: &'a [Constraint],
    order: &'a [usize],
    free: &'a [usize],
    sorted: &'a [Vec<(f64, usize)>],
    best_gain: &'a [Vec<f64>],
}

impl Search<'_> {
    /// Enumerates the `k`-subsets of `order` from `start` on that extend `chosen`, keeping in
    /// `best` the cheapest that (with the free questions) clears every constraint.
    fn dfs(
        &self,
        k: usize,
        start: usize,
        chosen: &mut Vec<usize>,
        budget: &mut u64,
        exhausted: &mut bool,
        best: &mut Option<Choice>,
    ) {
        if *budget == 0 {
            *exhausted = true;
            return;
        }
        *budget -= 1;
        let left = k - chosen.len();
        // Bound: remaining deficit per constraint vs the best `left` unchosen gains.
        for ((c, s), g) in self.cons.iter().zip(self.sorted).zip(self.best_gain) {
            let have: f64 = self.free.iter().chain(chosen.iter()).map(|&i| g[i]).sum();
            let need = c.deficit - have;
            if need <= EPS {
                continue;
            }
            let bound: f64 = s
                .iter()
                .filter(|(_, i)| !chosen.contains(i))
                .take(left)
                .map(|(g, _)| g)
                .sum();
            if bound + EPS < need {
                return;
            }
        }
        if left == 0 {
            let set: Vec<usize> = self.free.iter().chain(chosen.iter()).copied().collect();
            if let Some((inc, targets, exact)) = cheapest_targets(self.cands, self.cons, &set) {
                let better = best.as_ref().is_none_or(|(b, _, _)| inc < *b - EPS);
                if better {
                    *best = Some((inc, targets, exact));
                }
            }
            return;
        }
        for pos in start..self.order.len() {
            if self.order.len() - pos < left {
                break;
            }
            chosen.push(self.order[pos]);
            self.dfs(k, pos + 1, chosen, budget, exhausted, best);
            chosen.pop();
            if *exhausted {
                return;
            }
        }
    }
}

/// A fixed set's members at each of their levels: the cost (the increase, in answer points)
/// and the gain on each constraint, computed once per set. The level search visits up to
/// [`LEVEL_BUDGET`] nodes per set, and recomputing these at each node (and cloning the levels
/// to probe a bound) was most of the time of a portfolio's plans. Sums are taken in the set's
/// order, as before, so every comparison sees the same numbers.
struct LevelTable {
    /// `cost[j][l]`: member `j` raised to its level `l`.
    cost: Vec<Vec<f64>>,
    /// `gain[c][j][l]`: the gain on constraint `c` of member `j` raised to its level `l`.
    gain: Vec<Vec<Vec<f64>>>,
    /// Each constraint's deficit.
    deficit: Vec<f64>,
    /// `reach[c][j]`: the most the members from `j` on can add to constraint `c` (each at its
    /// best level), for the level search's feasibility bound.
    reach: Vec<Vec<f64>>,
}

impl LevelTable {
    fn new(cands: &[Candidate], cons: &[Constraint], set: &[usize]) -> Self {
        let value = |i: usize, l: usize| cands[i].levels[l].normalized().unwrap_or(0.0);
        let levels = |i: usize| 0..cands[i].levels.len();
        let gain: Vec<Vec<Vec<f64>>> = cons
            .iter()
            .map(|c| {
                set.iter()
                    .map(|&i| levels(i).map(|l| gain(c, &cands[i], value(i, l))).collect())
                    .collect()
            })
            .collect();
        let reach = gain
            .iter()
            .map(|g: &Vec<Vec<f64>>| {
                let mut r = vec![0.0; g.len() + 1];
                for j in (0..g.len()).rev() {
                    r[j] = r[j + 1] + g[j].iter().copied().fold(f64::MIN, f64::max);
                }
                r
            })
            .collect();
        Self {
            cost: set
                .iter()
                .map(|&i| {
                    levels(i)
                        .map(|l| 5.0 * (value(i, l) - cands[i].answered_value).max(0.0))
                        .collect()
                })
                .collect(),
            gain,
            deficit: cons.iter().map(|c| c.deficit).collect(),
            reach,
        }
    }

    /// Whether some levels of the members after `j` could still clear every constraint, with
    /// those through `j` at `lv`. A bound, so it leaves `2 * EPS` of slack: summed in another
    /// order than [`Self::ok`] sums, it must never cut off levels that `ok` would accept.
    fn reachable(&self, lv: &[usize], j: usize) -> bool {
        self.gain
            .iter()
            .zip(&self.reach)
            .zip(&self.deficit)
            .all(|((g, r), d)| {
                let so_far: f64 = g.iter().zip(lv).take(j + 1).map(|(gj, &l)| gj[l]).sum();
                so_far + r[j + 1] + 2.0 * EPS >= *d
            })
    }

    /// Whether the members at levels `lv` clear every constraint.
    fn ok(&self, lv: &[usize]) -> bool {
        self.gain.iter().zip(&self.deficit).all(|(g, d)| {
            let sum: f64 = g.iter().zip(lv).map(|(gj, &l)| gj[l]).sum();
            sum + EPS >= *d
        })
    }

    /// The total increase of the members at levels `lv`.
    fn cost(&self, lv: &[usize]) -> f64 {
        self.cost.iter().zip(lv).map(|(cj, &l)| cj[l]).sum()
    }

    /// [`Self::cost`] of `lv` with the members after `j` at their lowest level: what the level
    /// search's bound probes, without making that vector.
    fn cost_through(&self, lv: &[usize], j: usize) -> f64 {
        self.cost
            .iter()
            .zip(lv)
            .enumerate()
            .map(|(m, (cm, &l))| if m <= j { cm[l] } else { cm[0] })
            .sum()
    }
}

/// For a fixed set, the targets with the smallest total increase that still clear every
/// constraint; `None` if even the top levels do not. The bool says whether the level search
/// completed (exact) or ran out of budget (greedy lowering from the top).
fn cheapest_targets(cands: &[Candidate], cons: &[Constraint], set: &[usize]) -> Option<Choice> {
    let top: Vec<usize> = set.iter().map(|&i| cands[i].levels.len() - 1).collect();
    let t = LevelTable::new(cands, cons, set);
    if !t.ok(&top) {
        return None;
    }
    let mut best = (t.cost(&top), top.clone());
    let mut budget = LEVEL_BUDGET;
    let mut cur = vec![0usize; set.len()];
    let combinations: f64 = set.iter().map(|&i| cands[i].levels.len() as f64).product();
    let exact =
        combinations <= LEVEL_COMBINATIONS && levels_dfs(&t, 0, &mut cur, &mut best, &mut budget);
    if !exact {
        // Greedy lowering from the top as the fallback.
        let mut lv = top;
        loop {
            let mut improved = false;
            for j in 0..lv.len() {
                if lv[j] > 0 {
                    lv[j] -= 1;
                    if t.ok(&lv) {
                        improved = true;
                    } else {
                        lv[j] += 1;
                    }
                }
            }
            if !improved {
                break;
            }
        }
        if t.cost(&lv) < best.0 {
            best = (t.cost(&lv), lv);
        }
    }
    let targets = set
        .iter()
        .zip(&best.1)
        .map(|(&i, &l)| (i, cands[i].levels[l]))
        .collect();
    Some((best.0, targets, exact))
}

fn levels_dfs(
    t: &LevelTable,
    j: usize,
    cur: &mut Vec<usize>,
    best: &mut (f64, Vec<usize>),
    budget: &mut u64,
) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    if j == cur.len() {
        if t.ok(cur) {
            let c = t.cost(cur);
            if c < best.0 - EPS {
                *best = (c, cur.clone());
            }
        }
        return true;
    }
    for l in 0..t.cost[j].len() {
        cur[j] = l;
        // Prune: cost so far (with the remaining at their lowest level) already too high.
        if t.cost_through(cur, j) > best.0 + EPS {
            break;
        }
        // No level of the rest clears every constraint from here: no leaf below is accepted,
        // so skipping them changes no choice (a higher level of this member may still do).
        if !t.reachable(cur, j) {
            continue;
        }
        if !levels_dfs(t, j + 1, cur, best, budget) {
            return false;
        }
    }
    true
}

/// Drops from a greedy set every candidate the others cover for (at their top targets), the
/// weakest first: greedy choices made early can be made redundant by later ones (the reverse
/// delete of set cover). The set can only shrink, and it still clears every constraint.
fn drop_redundant(cands: &[Candidate], cons: &[Constraint], chosen: &mut Vec<usize>) {
    let covered = |set: &[usize]| covers(cands, cons, set);
    if !covered(chosen) {
        // Greedy ran out of candidates: nothing is redundant in a set that falls short.
        return;
    }
    // Those that add a step first (dropping a forced question saves none, and could keep
    // another from being dropped), then the weakest: the least share of the deficits covered,
    // then the later chosen.
    let share = |i: usize| -> f64 {
        cons.iter()
            .map(|c| (max_gain(c, &cands[i]) / c.deficit).min(1.0))
            .sum()
    };
    let mut tries: Vec<(usize, usize)> = chosen.iter().copied().enumerate().collect();
    tries.sort_by(|a, b| {
        (cands[b.1].steps().cmp(&cands[a.1].steps()))
            .then(share(a.1).total_cmp(&share(b.1)))
            .then(b.0.cmp(&a.0))
    });
    for (_, i) in tries {
        let without: Vec<usize> = chosen.iter().copied().filter(|&j| j != i).collect();
        if covered(&without) {
            *chosen = without;
        }
    }
}

/// Whether `set`, every member at its top target, clears every constraint.
fn covers(cands: &[Candidate], cons: &[Constraint], set: &[usize]) -> bool {
    cons.iter().all(|c| {
        let sum: f64 = set.iter().map(|&i| max_gain(c, &cands[i])).sum();
        sum + EPS >= c.deficit
    })
}

/// Shrinks a greedy set that clears every constraint by trading two of its members for one
/// candidate outside it that covers what the two did and adds fewer steps than they do (a
/// forced question adds none), as long as one is found: each trade makes the plan at least a
/// step shorter, and what is left redundant is dropped after. At most [`SWAP_BUDGET`] units of
/// work are spent in all (a candidate tried, a member's gains recomputed), so a weak
/// supplier's plan stays quick whatever the catalog's size.
fn swap_two_for_one(
    cands: &[Candidate],
    cons: &[Constraint],
    order: &[usize],
    chosen: &mut Vec<usize>,
) {
    if !covers(cands, cons, chosen) {
        return;
    }
    let mut budget = SWAP_BUDGET;
    'trade: while chosen.len() >= 2 {
        let gains =
            |i: usize| -> Vec<f64> { cons.iter().map(|c| max_gain(c, &cands[i])).collect() };
        let member: Vec<Vec<f64>> = chosen.iter().map(|&i| gains(i)).collect();
        let total: Vec<f64> = (0..cons.len())
            .map(|c| member.iter().map(|g| g[c]).sum())
            .collect();
        let outside: Vec<(usize, Vec<f64>)> = order
            .iter()
            .filter(|i| !chosen.contains(i))
            .map(|&i| (i, gains(i)))
            .collect();
        // This round's setup: the gains of every member and candidate, and the membership test.
        let setup = (order.len() * (chosen.len() + cons.len())) as u64;
        if budget <= setup {
            return;
        }
        budget -= setup;
        for a in 0..chosen.len() {
            for b in a + 1..chosen.len() {
                let pair_steps = cands[chosen[a]].steps() + cands[chosen[b]].steps();
                if pair_steps == 0 {
                    continue;
                }
                // What the two covered, that the one must cover.
                let need: Vec<f64> = cons
                    .iter()
                    .enumerate()
                    .map(|(c, con)| con.deficit - (total[c] - member[a][c] - member[b][c]))
                    .collect();
                for (x, g) in &outside {
                    if budget == 0 {
                        return;
                    }
                    budget -= 1;
                    if cands[*x].steps() < pair_steps
                        && need.iter().zip(g).all(|(n, g)| *n <= EPS || g + EPS >= *n)
                    {
                        let mut traded: Vec<usize> = chosen
                            .iter()
                            .enumerate()
                            .filter(|(k, _)| *k != a && *k != b)
                            .map(|(_, &i)| i)
                            .collect();
                        traded.push(*x);
                        // Summed in the set's order, as every other check of the plan is.
                        if covers(cands, cons, &traded) {
                            *chosen = traded;
                            drop_redundant(cands, cons, chosen);
                            continue 'trade;
                        }
                    }
                }
            }
        }
        break;
    }
}

/// Greedy fallback: repeatedly take the candidate that covers the most remaining deficit.
fn greedy(cands: &[Candidate], cons: &[Constraint], order: &[usize]) -> Vec<(usize, AnswerValue)> {
    let mut remaining: Vec<f64> = cons.iter().map(|c| c.deficit).collect();
    let mut chosen = Vec::new();
    let mut pool: Vec<usize> = order.to_vec();
    while remaining.iter().any(|r| *r > EPS) && !pool.is_empty() {
        let score = |i: usize| -> f64 {
            cons.iter()
                .zip(&remaining)
                .filter(|(_, r)| **r > EPS)
                .map(|(c, r)| max_gain(c, &cands[i]).min(*r) / r)
                .sum()
        };
        let (pos, _) = pool.iter().enumerate().fold((0, f64::MIN), |acc, (p, &i)| {
            let s = score(i);
            if s > acc.1 { (p, s) } else { acc }
        });
        let i = pool.remove(pos);
        for (c, r) in cons.iter().zip(remaining.iter_mut()) {
            *r -= max_gain(c, &cands[i]);
        }
        chosen.push(i);
    }
    drop_redundant(cands, cons, &mut chosen);
    swap_two_for_one(cands, cons, order, &mut chosen);
    chosen
        .into_iter()
        .map(|i| {
            (
                i,
                *cands[i].levels.last().unwrap_or(&AnswerValue::Maturity(5)),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Candidates `0..n`, each unanswered and raised to 5 (a normalized gain of 1), and one
    /// constraint per column of `gains` (the gain of each candidate on it) with deficit 1.
    fn problem(gains: &[&[f64]]) -> (Vec<Candidate>, Vec<Constraint>) {
        let cands = (0..gains.len())
            .map(|q| Candidate {
                q,
                current: 0.0,
                answered_value: 0.0,
                unanswered: true,
                levels: vec![AnswerValue::Maturity(5)],
                forced: false,
            })
            .collect();
        let cons = (0..gains[0].len())
            .map(|c| Constraint {
                unit: gains.iter().map(|g| g[c]).collect(),
                coverage_step: None,
                deficit: 1.0,
            })
            .collect();
        (cands, cons)
    }

    /// Greedy takes the candidate that covers most of both deficits first, and then needs the
    /// two that cover one each, which make the first redundant: it is dropped.
    #[test]
    fn a_greedy_choice_made_redundant_is_dropped() {
        let (cands, cons) = problem(&[&[0.9, 0.9], &[1.0, 0.0], &[0.0, 1.0]]);
        let mut chosen = vec![0, 1, 2];
        drop_redundant(&cands, &cons, &mut chosen);
        assert_eq!(chosen, vec![1, 2]);
        // Through the whole greedy choice, at the top targets.
        let picked = greedy(&cands, &cons, &[0, 1, 2]);
        assert_eq!(
            picked,
            vec![(1, AnswerValue::Maturity(5)), (2, AnswerValue::Maturity(5))]
        );
    }

    /// Two members, neither redundant, traded for the one outside that covers both deficits.
    #[test]
    fn two_members_are_traded_for_one_that_covers_both() {
        let (cands, cons) = problem(&[&[1.0, 0.0], &[0.0, 1.0], &[0.5, 0.5], &[1.0, 1.0]]);
        let mut chosen = vec![0, 1];
        drop_redundant(&cands, &cons, &mut chosen);
        assert_eq!(chosen, vec![0, 1], "neither covers for the other");
        swap_two_for_one(&cands, &cons, &[0, 1, 2, 3], &mut chosen);
        assert_eq!(chosen, vec![3]);
        // Two forced members (no step each) are not traded for one that adds a step.
        let (mut forced, _) = problem(&[&[1.0, 0.0], &[0.0, 1.0], &[0.5, 0.5], &[1.0, 1.0]]);
        forced[0].forced = true;
        forced[1].forced = true;
        let mut kept = vec![0, 1];
        swap_two_for_one(&forced, &cons, &[0, 1, 2, 3], &mut kept);
        assert_eq!(kept, vec![0, 1]);
        // A set that falls short is left as it is.
        let mut short = vec![2];
        swap_two_for_one(&cands, &cons, &[0, 1, 2, 3], &mut short);
        drop_redundant(&cands, &cons, &mut short);
        assert_eq!(short, vec![2]);
    }

    /// A forced question raised further adds no step: a set of it alone beats any cheaper set
    /// of one question that adds a step (docs/scoring.md §9.6; an open question of §13 once). Its first level is
    /// its forced level, at no gain.
    #[test]
    fn a_forced_question_raised_further_counts_no_step() {
        let (mut cands, cons) = problem(&[&[1.0], &[1.0]]);
        cands[0].forced = true;
        cands[0].levels = vec![AnswerValue::Maturity(0), AnswerValue::Maturity(5)];
        // The other is cheaper: half-answered already, so raising it costs 2.5 against 5.
        cands[1].answered_value = 0.5;
        cands[1].current = 0.0;
        let (chosen, proven, bound) = search(&cands, &cons);
        assert_eq!(chosen, vec![(0, AnswerValue::Maturity(5))]);
        assert!(proven);
        assert_eq!(bound, 0, "no question besides the forced one is needed");
        // When the forced question cannot help, the other is the one step, and the forced one
        // stays where the forced move put it.
        let (mut cands, cons) = problem(&[&[0.0], &[1.0]]);
        cands[0].forced = true;
        cands[0].levels = vec![AnswerValue::Maturity(0), AnswerValue::Maturity(5)];
        assert_eq!(
            search(&cands, &cons),
            (vec![(1, AnswerValue::Maturity(5))], true, 1)
        );
        // Helping in part: the forced one raised with one other, a bound of one step.
        let (mut cands, cons) = problem(&[&[0.5], &[0.5], &[0.4]]);
        cands[0].forced = true;
        cands[0].levels = vec![AnswerValue::Maturity(0), AnswerValue::Maturity(5)];
        let (chosen, proven, bound) = search(&cands, &cons);
        assert_eq!(
            chosen,
            vec![(0, AnswerValue::Maturity(5)), (1, AnswerValue::Maturity(5))]
        );
        assert!(proven);
        assert_eq!(bound, 1);
    }
}
