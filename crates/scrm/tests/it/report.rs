//! `scrm report`: the self-contained HTML portfolio page and one supplier's scorecard.

use crate::common::{AS_OF, DEMO, arg, scrm, tempdir};

/// No network reference of any kind: the page must open offline and leak nothing.
#[track_caller]
fn assert_offline(html: &str) {
    assert!(!html.contains("http://"), "network URL in the report");
    assert!(!html.contains("https://"), "network URL in the report");
    assert!(!html.contains("//cdn"), "CDN reference in the report");
}

#[test]
fn portfolio() {
    let dir = tempdir();
    let out = dir.path().join("portfolio.html");
    let r = scrm(["report", DEMO, "--as-of", AS_OF, "--out", &arg(&out)]);
    r.expect_code(0);
    assert!(r.stdout.is_empty(), "the page goes to --out");
    assert_eq!(r.stderr, "");
    let html = std::fs::read_to_string(&out).expect("report written");
    assert_offline(&html);
    assert!(html.contains("<html lang=\"en\""), "English page");
    for i in 1..=50 {
        let id = format!("V-{i:04}");
        assert!(html.contains(&id), "{id} missing");
    }
    // The same page as `score --format html`.
    let via_score = scrm(["score", DEMO, "--as-of", AS_OF, "--format", "html"]);
    assert_eq!(via_score.out(), html);
    // With both views rolled up over the portfolio, whatever the thread count.
    assert!(html.contains("<section id=\"portfolio-risks\">"));
    assert!(html.contains("<section id=\"portfolio-governance\">"));
    let one = scrm(["--threads", "1", "report", DEMO, "--as-of", AS_OF]);
    let four = scrm(["--threads", "4", "report", DEMO, "--as-of", AS_OF]);
    assert!(
        one.out() == html && four.out() == html,
        "the page depends on threads"
    );
}

#[test]
fn scorecard_zh_tw() {
    let dir = tempdir();
    let out = dir.path().join("scorecard.html");
    let r = scrm([
        "report",
        DEMO,
        "--as-of",
        AS_OF,
        "--vendor",
        "V-0005",
        "--lang",
        "zh-TW",
        "--out",
        &arg(&out),
    ]);
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    let html = std::fs::read_to_string(&out).expect("scorecard written");
    assert_offline(&html);
    assert!(html.contains("lang=\"zh-TW\""));
    for label in [
        "供應商 AI 資安評分卡",
        "各面向分數",
        "發現事項",
        "達到合格所需的改善",
        "佐證缺口",
        "各題貢獻",
        "執行紀錄",
    ] {
        assert!(html.contains(label), "zh-TW label {label} missing");
    }
    assert!(html.contains("V-0005"));
    assert!(html.contains("Tainan Precision Robotics Co., Ltd."));
}

#[test]
fn unknown_vendor_or_language() {
    let r = scrm(["report", DEMO, "--as-of", AS_OF, "--vendor", "V-0500"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty());
    assert_run!("report_unknown_vendor", r);
    let r = scrm(["report", DEMO, "--as-of", AS_OF, "--vendor", "v-0005"]);
    r.expect_code(2);
    assert!(r.stderr.contains("did you mean `V-0005`?"), "{}", r.stderr);
    let r = scrm(["report", DEMO, "--as-of", AS_OF, "--lang", "fr"]);
    r.expect_code(2);
    assert_run!("report_unknown_lang", r);
}

/// `report --format json`: the portfolio page's numbers, whole (the counts of `score --format
/// json` and the roll-up of both views, rounded to 4 decimals), the same at any thread count;
/// and one supplier's, whose `vendor` is its object in `score --format json` and whose views
/// are those of `explain --view`.
#[test]
fn the_numbers_as_json() {
    let r = scrm(["report", DEMO, "--as-of", AS_OF, "--format", "json"]);
    r.expect_code(0);
    assert_run!("report_portfolio_json", r);
    let j = r.json();
    let scored = scrm(["score", DEMO, "--as-of", AS_OF, "--format", "json"]).json();
    assert_eq!(j["summary"], scored["summary"]);
    assert_eq!(j["views"]["suppliers"], j["summary"]["vendors"]);
    let four = scrm([
        "--threads",
        "4",
        "report",
        DEMO,
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert_eq!(four.stdout, r.stdout);

    let card = scrm([
        "report", DEMO, "--as-of", AS_OF, "--vendor", "V-0007", "--format", "json",
    ]);
    card.expect_code(0);
    let c = card.json();
    let mine = scored["vendors"]
        .as_array()
        .and_then(|v| v.iter().find(|x| x["vendor_id"] == "V-0007"))
        .cloned()
        .expect("V-0007");
    assert_eq!(c["vendor"], mine);
    for (view, key) in [("governance", "lenses"), ("risks", "risks")] {
        let explained = scrm([
            "explain", "V-0007", DEMO, "--as-of", AS_OF, "--view", view, "--format", "json",
        ])
        .json();
        assert_eq!(
            c[view][key].as_array().map(Vec::len),
            explained[key].as_array().map(Vec::len),
            "{view}"
        );
    }
    assert!(c["plan"]["steps"].is_array(), "{}", c["plan"]);
}
