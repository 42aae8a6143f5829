//! End to end: the built page in Chinese. After switching the language and running an example
//! on the real broker (through a relay started here), no visible text of the header, the
//! palette, the log's headings and rows or the summary is left in English: each text node,
//! `title`, `placeholder` and `aria-label` there is not one of the catalogue's English texts and
//! either holds Chinese or is a number, a symbol or a name from the scenario.
//!
//! A scenario with problems shows them in Chinese (the JSON tab, a refused run), and the relay's
//! own words in the log (why an actor stopped) are Chinese as well.
//!
//! Skipped (with a message) only when the page is not built (`cargo xtask build-frontend`).

use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;
use warren_frontend::i18n::sentences::say;
use warren_frontend::i18n::texts::{SAME_IN_BOTH, Text, notice};
use warren_frontend::i18n::{Lang, zh};
use warren_shared::{Limits, Problem, parse_scenario, sentences, validate};
use warren_tests::browser::on_page;

/// How long the example's run may take.
const RUN_LIMIT: Duration = Duration::from_secs(90);

/// The parts of the page checked, by CSS selector.
const REGIONS: [&str; 6] = [
    "header.bar",
    "aside.gallery [data-testid=palette]",
    "aside.gallery .history-tools",
    ".log-head",
    ".log-cols",
    "section.summary",
];

/// Every visible text node and labelling attribute under each region, as `[region, text]`.
const VISIBLE_TEXTS: &str = r#"
const out = [];
const shown = (el) => {
  if (!el) return false;
  const style = getComputedStyle(el);
  return el.getClientRects().length > 0 && style.visibility !== 'hidden' && style.display !== 'none';
};
for (const region of arguments[0]) {
  for (const root of document.querySelectorAll(region)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode.textContent.trim();
      if (text && shown(walker.currentNode.parentElement)) out.push([region, text]);
    }
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (!shown(el)) continue;
      for (const name of ['title', 'placeholder', 'aria-label']) {
        const value = (el.getAttribute(name) || '').trim();
        if (value) out.push([region + ' @' + name, value]);
      }
    }
  }
}
return out;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chinese_the_header_palette_log_and_summary_say_nothing_in_english() {
    on_page(
        "in_chinese_the_header_palette_log_and_summary_say_nothing_in_english",
        |page| async move {
            page.load_example("confirms").await;
            if page.attr("lang-toggle", "data-lang").await.as_deref() != Some("zh") {
                page.find("lang-toggle").await.click().await.expect("click 中文");
            }
            // The release page fetches its Chinese texts the first time they are wanted.
            page.wait_until("the page is in Chinese", Duration::from_secs(10), || async {
                page.attr("lang-toggle", "data-lang").await.as_deref() == Some("zh")
            })
            .await;
            page.click_run().await;
            let phase = page.wait_run_end(RUN_LIMIT).await;
            assert_eq!(phase, "finished", "the run ended as {phase}");
            if page.has("jump-end-button").await {
                page.find("jump-end-button").await.click().await.expect("click End");
            }
            page.wait_until("the summary shows the outcome", Duration::from_secs(30), || async {
                page.has("summary-outcome").await
            })
            .await;
            page.screenshot("language-zh").await;

            let names = scenario_names(&page.scenario().await);
            let english: BTreeSet<&str> = Text::ALL
                .iter()
                .filter(|t| !SAME_IN_BOTH.contains(t))
                .map(|t| t.text(Lang::En))
                .collect();
            let found = page.js(VISIBLE_TEXTS, vec![json!(REGIONS)]).await;
            let found: Vec<(String, String)> = serde_json::from_value(found).expect("pairs of region and text");
            for region in REGIONS {
                assert!(
                    found.iter().any(|(r, _)| r == region),
                    "nothing visible in {region}: the check would be empty"
                );
            }
            let wrong: Vec<&(String, String)> = found
                .iter()
                .filter(|(_, text)| english.contains(text.as_str()) || !chinese_or_name(text, &names))
                .collect();
            assert!(wrong.is_empty(), "English left in Chinese mode: {wrong:#?}");

            // The log's rows say their type in words; its filter lists the types in words too.
            let types = page.js(ROW_TYPES, vec![]).await;
            let types: Vec<String> = serde_json::from_value(types).expect("texts");
            assert!(!types.is_empty(), "the log shows rows");
            assert!(types.iter().all(|t| has_cjk(t)), "event types in English: {types:?}");
            let options = page
            .js(
                "return [...document.querySelectorAll('[data-testid=filter-kind] option')].map(o => o.textContent);",
                vec![],
            )
            .await;
            let options: Vec<String> = serde_json::from_value(options).expect("texts");
            assert!(options.len() > 1, "the filter lists the types seen");
            assert!(options.iter().all(|t| has_cjk(t)), "filter in English: {options:?}");

            // What the relay said is in Chinese too: why each actor stopped ("finished").
            let details = page.js(ROW_DETAILS, vec![]).await;
            let details: Vec<String> = serde_json::from_value(details).expect("texts");
            let finished = say(sentences::relay::FINISHED, Lang::Zh);
            assert!(
                details.iter().any(|d| d == &finished),
                "no actor stopped with {finished:?}: {details:?}"
            );
            assert!(
                !details.iter().any(|d| d == sentences::relay::FINISHED),
                "a stop reason in English: {details:?}"
            );

            // Back to English without a reload: the same controls follow.
            page.find("lang-toggle").await.click().await.expect("click EN");
            page.wait_until("the page is in English again", Duration::from_secs(5), || async {
                page.text("run-button")
                    .await
                    .is_some_and(|t| t.contains(Text::Run.text(Lang::En)))
            })
            .await;
            let count = page.text("log-count").await.unwrap_or_default();
            assert!(count.ends_with(" events"), "log count in English: {count}");
        },
    )
    .await;
}

/// The details column of the rows the log draws.
const ROW_DETAILS: &str = r#"
return [...document.querySelectorAll('[data-testid=event-row] .c-details')].map(e => e.textContent.trim());
"#;

/// A scenario with problems, in the JSON tab and in a refused run: each problem is said in
/// Chinese, names from the scenario (with spaces in them) kept as they are; a document that does
/// not parse says so in Chinese as well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chinese_the_problems_of_a_scenario_are_said_in_chinese() {
    on_page(
        "in_chinese_the_problems_of_a_scenario_are_said_in_chinese",
        |page| async move {
            page.load_example("confirms").await;
            if page.attr("lang-toggle", "data-lang").await.as_deref() != Some("zh") {
                page.find("lang-toggle").await.click().await.expect("click 中文");
            }
            page.wait_until("the page is in Chinese", Duration::from_secs(10), || async {
                page.attr("lang-toggle", "data-lang").await.as_deref() == Some("zh")
            })
            .await;
            let broken = json!({
                "version": 1,
                "name": "broken",
                "queues": [{"name": "orders"}],
                "publishers": [{"name": "shop", "exchange": "orders exchange", "routing_key": "orders", "count": 5}],
                "consumers": [{"name": "worker", "queue": "ghost queue"}]
            });
            let problems = validate(&parse_scenario(&broken).expect("parses"), &Limits::default());
            assert_eq!(problems.len(), 2, "{problems:?}");
            page.set_json(&serde_json::to_string_pretty(&broken).expect("JSON"))
                .await;
            let expected = |problems: &[Problem]| -> Vec<String> {
                problems
                    .iter()
                    .map(|p| format!("{} {}", p.path, notice(&p.message, Lang::Zh)))
                    .collect()
            };
            page.wait_until("the JSON tab lists the problems", Duration::from_secs(10), || async {
                page.texts("editor-problem").await.len() == problems.len()
            })
            .await;
            let listed = page.texts("editor-problem").await;
            assert_eq!(listed, expected(&problems), "the JSON tab's problems");
            assert!(
                listed.iter().any(|p| p.contains("没有名为“ghost queue”的队列")),
                "{listed:?}"
            );
            assert!(listed.iter().all(|p| !p.contains("there is no")), "{listed:?}");
            page.screenshot("language-zh-problems").await;

            // Run it anyway: the run is refused with the same problems, in Chinese.
            page.click_run().await;
            page.wait_until("the refusal lists the problems", Duration::from_secs(10), || async {
                !page.texts("problem").await.is_empty()
            })
            .await;
            assert_eq!(
                page.texts("problem").await,
                expected(&problems),
                "the refused run's problems"
            );

            // A field that is not part of the format: serde's sentence, in Chinese.
            let unknown = json!({"version": 1, "queues": [{"name": "q", "dureble": true}]});
            let problems = parse_scenario(&unknown).expect_err("does not parse");
            page.set_json(&serde_json::to_string_pretty(&unknown).expect("JSON"))
                .await;
            page.wait_until(
                "the JSON tab lists the unknown field",
                Duration::from_secs(10),
                || async { page.texts("editor-problem").await == expected(&problems) },
            )
            .await;
            let listed = page.texts("editor-problem").await;
            assert!(listed[0].contains("未知字段 `dureble`"), "{listed:?}");
        },
    )
    .await;
}

/// The type column of the rows the log draws.
const ROW_TYPES: &str = r#"
return [...document.querySelectorAll('[data-testid=event-row] .c-type')].map(e => e.textContent.trim());
"#;

/// Whether a text holds Chinese.
fn has_cjk(text: &str) -> bool {
    text.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3000}'..='\u{303f}').contains(&c))
}

/// Whether a text may stand in Chinese mode: it holds Chinese, or every word of Latin letters
/// in it is a name (the scenario's, the product's, the language toggle's).
fn chinese_or_name(text: &str, names: &BTreeSet<String>) -> bool {
    if has_cjk(text) {
        return true;
    }
    text.split(|c: char| c.is_whitespace() || matches!(c, '·' | ',' | '(' | ')' | ':' | '/' | '×'))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .all(|w| names.contains(w) || names.iter().any(|n| n.contains(w) && w.len() > 1))
}

/// The names a scenario gives (exchanges, queues, actors), and those of the product.
fn scenario_names(scenario: &Value) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = ["Warren", "EN", "RabbitMQ", "JSON", "ms", "s"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    for list in ["exchanges", "queues", "publishers", "consumers"] {
        for item in scenario[list].as_array().into_iter().flatten() {
            if let Some(name) = item["name"].as_str() {
                names.insert(name.to_owned());
            }
        }
    }
    // The example's own name is shown in Chinese; its English one must not be.
    if let Some((zh_name, _)) = zh("confirms") {
        names.insert(zh_name.to_owned());
    }
    names
}
