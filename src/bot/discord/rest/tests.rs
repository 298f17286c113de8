use super::*;
use std::collections::VecDeque;

const S: Duration = Duration::from_secs(1);

fn limited(secs: f64, global: bool) -> Answer {
    Answer::Status {
        status: 429,
        message: "You are being rate limited.".into(),
        retry_after: Some(Duration::from_secs_f64(secs)),
        global,
    }
}

fn status(status: u16) -> Answer {
    Answer::Status { status, message: "x".into(), retry_after: None, global: false }
}

#[test]
fn next_wait_decides_by_status_and_budget() {
    struct Case {
        name: &'static str,
        answer: Answer,
        tries: u32,
        waited: Duration,
        jitter: f64,
        expected: Decision,
    }
    let retry = |ms: u64, global: bool| Decision::Retry { after: Duration::from_millis(ms), global };
    let cases = [
        Case {
            name: "success",
            answer: Answer::Success(vec![]),
            tries: 1,
            waited: S,
            jitter: 0.0,
            expected: Decision::Done,
        },
        Case {
            name: "429 waits retry_after exactly",
            answer: limited(0.5, false),
            tries: 1,
            waited: Duration::ZERO,
            jitter: 0.9,
            expected: retry(500, false),
        },
        Case {
            name: "global 429 pauses everyone",
            answer: limited(2.0, true),
            tries: 3,
            waited: S,
            jitter: 0.0,
            expected: retry(2_000, true),
        },
        Case {
            name: "429 past the bound gives up at once",
            answer: limited(61.0, false),
            tries: 1,
            waited: Duration::ZERO,
            jitter: 0.0,
            expected: Decision::GiveUp,
        },
        Case {
            name: "429 that just fits",
            answer: limited(1.0, false),
            tries: 5,
            waited: Duration::from_secs(59),
            jitter: 0.0,
            expected: retry(1_000, false),
        },
        Case {
            name: "429 without a wait backs off",
            answer: status(429),
            tries: 1,
            waited: Duration::ZERO,
            jitter: 0.0,
            expected: retry(125, false),
        },
        Case {
            name: "500 first backoff, no jitter",
            answer: status(500),
            tries: 1,
            waited: Duration::ZERO,
            jitter: 0.0,
            expected: retry(125, false),
        },
        Case {
            name: "502 first backoff, half jitter",
            answer: status(502),
            tries: 1,
            waited: Duration::ZERO,
            jitter: 0.5,
            expected: Decision::Retry { after: Duration::from_micros(187_500), global: false },
        },
        Case {
            name: "503 third try doubles twice",
            answer: status(503),
            tries: 3,
            waited: S,
            jitter: 0.5,
            expected: retry(750, false),
        },
        Case {
            name: "backoff is capped",
            answer: status(500),
            tries: 30,
            waited: S,
            jitter: 0.0,
            expected: retry(4_000, false),
        },
        Case {
            name: "lost answer backs off like a 5xx",
            answer: Answer::Lost("connection reset".into()),
            tries: 2,
            waited: Duration::ZERO,
            jitter: 0.0,
            expected: retry(250, false),
        },
        Case {
            name: "5xx past the bound gives up",
            answer: status(500),
            tries: 12,
            waited: Duration::from_millis(59_990),
            jitter: 0.0,
            expected: Decision::GiveUp,
        },
        Case {
            name: "403 is never retried",
            answer: status(403),
            tries: 1,
            waited: Duration::ZERO,
            jitter: 0.0,
            expected: Decision::Fail(RestError::Forbidden { status: 403, message: "x".into() }),
        },
        Case {
            name: "401 is never retried",
            answer: status(401),
            tries: 1,
            waited: Duration::ZERO,
            jitter: 0.0,
            expected: Decision::Fail(RestError::Forbidden { status: 401, message: "x".into() }),
        },
        Case {
            name: "404 fails",
            answer: status(404),
            tries: 1,
            waited: Duration::ZERO,
            jitter: 0.0,
            expected: Decision::Fail(RestError::Refused { status: 404, message: "x".into() }),
        },
    ];
    for case in cases {
        let got = next_wait(&case.answer, case.tries, case.waited, GIVE_UP_AFTER, case.jitter);
        assert_eq!(got, case.expected, "{}", case.name);
    }
}

#[test]
fn rate_limit_reads_body_then_headers() {
    struct Case {
        name: &'static str,
        headers: &'static [(&'static str, &'static str)],
        body: &'static str,
        expected: (Option<Duration>, bool),
    }
    let ms = |n: u64| Some(Duration::from_millis(n));
    let cases = [
        Case {
            name: "Discord's body, no code",
            headers: &[("retry-after", "1"), ("x-ratelimit-reset-after", "0.500")],
            body: r#"{"message": "You are being rate limited.", "retry_after": 0.5, "global": false}"#,
            expected: (ms(500), false),
        },
        Case {
            name: "global in the body",
            headers: &[],
            body: r#"{"message": "You are being rate limited.", "retry_after": 1.25, "global": true}"#,
            expected: (ms(1_250), true),
        },
        Case {
            name: "global in a header",
            headers: &[("x-ratelimit-global", "true"), ("retry-after", "2")],
            body: "",
            expected: (ms(2_000), true),
        },
        Case {
            name: "reset-after before retry-after",
            headers: &[("retry-after", "1"), ("x-ratelimit-reset-after", "0.750")],
            body: "error code: 1015",
            expected: (ms(750), false),
        },
        Case { name: "retry-after alone", headers: &[("retry-after", "3")], body: "{}", expected: (ms(3_000), false) },
        Case { name: "nothing to go by", headers: &[], body: "", expected: (None, false) },
        Case { name: "nonsense is ignored", headers: &[("retry-after", "soon")], body: "{}", expected: (None, false) },
        Case { name: "negative is ignored", headers: &[], body: r#"{"retry_after": -1}"#, expected: (None, false) },
    ];
    for case in cases {
        let headers: Vec<(String, String)> =
            case.headers.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        assert_eq!(rate_limit(&headers, case.body.as_bytes()), case.expected, "{}", case.name);
    }
}

#[test]
fn audit_log_reasons_are_percent_encoded() {
    assert_eq!(percent_encode("keel: tier 2 #ü"), "keel%3A%20tier%202%20%23%C3%BC");
}

#[test]
fn jitter_stays_in_range() {
    for _ in 0..1_000 {
        let j = jitter();
        assert!((0.0..1.0).contains(&j), "{j}");
    }
}

/// A scripted wire: answers in order (success once they run out), noting when each try came.
#[derive(Default)]
struct Script {
    answers: Mutex<VecDeque<Answer>>,
    tries: Mutex<Vec<Instant>>,
}

impl Script {
    fn new(answers: impl IntoIterator<Item = Answer>) -> Script {
        Script { answers: Mutex::new(answers.into_iter().collect()), tries: Mutex::default() }
    }

    #[allow(clippy::unused_async)] // stands in for the async sender
    async fn next(&self) -> Result<Answer, RestError> {
        self.tries.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(Instant::now());
        let next = self.answers.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop_front();
        Ok(next.unwrap_or_else(|| Answer::Success(b"{}".to_vec())))
    }

    fn tries(&self) -> Vec<Instant> {
        self.tries.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

#[tokio::test(start_paused = true)]
async fn two_429s_wait_what_discord_says_then_succeed() {
    let rest = Rest::default();
    let script = Script::new([limited(0.5, false), limited(0.5, false)]);
    let start = Instant::now();
    let body = rest.drive(|| script.next()).await;
    assert_eq!(body, Ok(b"{}".to_vec()));
    let tries: Vec<Duration> = script.tries().iter().map(|t| *t - start).collect();
    assert_eq!(tries, [Duration::ZERO, Duration::from_millis(500), Duration::from_secs(1)]);
    assert_eq!(rest.gave_up(), 0);
}

/// When `other`'s call, started 100 ms after `first`'s, was first sent (from the start).
async fn other_call_sent_after(rest: &Rest, first: &Script, other: &Script) -> Duration {
    let start = Instant::now();
    let later = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        rest.drive(|| other.next()).await
    };
    let (a, b) = tokio::join!(rest.drive(|| first.next()), later);
    assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");
    other.tries()[0] - start
}

#[tokio::test(start_paused = true)]
async fn a_global_429_pauses_other_calls() {
    let rest = Rest::default();
    let global = Script::new([limited(2.0, true)]);
    let waited = other_call_sent_after(&rest, &global, &Script::new([])).await;
    assert_eq!(waited, Duration::from_secs(2), "the other call waited for the global limit");
    // A route's own 429 pauses only that call.
    let local = Script::new([limited(2.0, false)]);
    assert_eq!(other_call_sent_after(&rest, &local, &Script::new([])).await, Duration::from_millis(100));
}

#[tokio::test(start_paused = true)]
async fn endless_5xx_gives_up_within_the_bound_and_is_counted() {
    let rest = Rest::default();
    let script = Script::new(std::iter::repeat_n(status(502), 1_000));
    let start = Instant::now();
    let result = rest.drive(|| script.next()).await;
    assert!(matches!(result, Err(RestError::GaveUp { tries, .. }) if tries > 5), "{result:?}");
    assert!(start.elapsed() <= GIVE_UP_AFTER, "{:?}", start.elapsed());
    assert_eq!(rest.gave_up(), 1);
}

#[tokio::test(start_paused = true)]
async fn forbidden_and_refused_are_sent_once() {
    for (answer, forbidden) in [(status(403), true), (status(400), false)] {
        let rest = Rest::default();
        let script = Script::new([answer]);
        let result = rest.drive(|| script.next()).await;
        assert_eq!(matches!(result, Err(RestError::Forbidden { .. })), forbidden, "{result:?}");
        assert!(result.is_err());
        assert_eq!(script.tries().len(), 1);
        assert_eq!(rest.gave_up(), 0);
    }
}
