//! Engine micro-benchmarks: scoring a portfolio (per-vendor cost), explaining, planning.
//! Vendors are built in memory with a fixed pattern so the benchmark measures the engine only.

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scrm_catalog::Catalog;
use scrm_model::{
    AiRole, Answer, AnswerKind, AnswerValue, Criticality, DataAccess, QuestionId, Vendor, VendorId,
};
use scrm_policy::Policy;
use scrm_score::Engine;
use std::hint::black_box;

fn vendors(n: usize, catalog: &Catalog) -> Vec<Vendor> {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    (0..n)
        .map(|i| {
            let mut v = Vendor::new(VendorId::new(&format!("B-{i:07}")).unwrap());
            v.profile.criticality = Some(Criticality::ALL[i % 4]);
            v.profile.data_access = Some(DataAccess::ALL[(i / 4) % 4]);
            v.profile.ai_role =
                Some([AiRole::Provider, AiRole::Integrator, AiRole::Deployer][i % 3]);
            v.profile.assessed_on = Some(as_of);
            for (k, q) in catalog.questions().iter().enumerate() {
                let x = (i * 7 + k * 13) % 11;
                if x == 10 {
                    continue; // unanswered
                }
                let value = match q.answer.kind {
                    AnswerKind::Maturity => AnswerValue::Maturity((x % 6) as u8),
                    AnswerKind::YesPartialNo => {
                        [AnswerValue::No, AnswerValue::Partial, AnswerValue::Yes][x % 3]
                    }
                };
                let mut a = Answer::bare(q.id, value);
                if x % 3 != 0 {
                    a.evidence = Some("POL-AI-001 v3.pdf".into());
                    a.evidence_date = Some(as_of);
                }
                v.answers.insert(QuestionId::new(q.id.as_str()), a);
            }
            v
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let policy = Policy::builtin(Some(catalog)).unwrap();
    let engine = Engine::new(
        catalog,
        &policy,
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
    );
    let vs = vendors(2_000, catalog);
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(vs.len() as u64));
    g.bench_function("score_all/2000", |b| {
        b.iter(|| black_box(engine.score_all(&vs, &[])))
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("explain", |b| {
        b.iter(|| black_box(engine.explain(&vs[5], &[])))
    });
    let weak = vs
        .iter()
        .find(|v| engine.score(v, &[]).status == scrm_model::Status::AtRisk)
        .unwrap_or(&vs[0]);
    g.bench_function("plan/at-risk", |b| {
        b.iter(|| black_box(engine.plan(weak, &[])))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
