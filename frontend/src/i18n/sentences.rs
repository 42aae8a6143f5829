//! Sentences made from templates (validation problems, what the relay says, the page's own notices
//! with values) said in Chinese.
//!
//! Their English is written once, as templates: in `warren_shared::sentences` for validation and
//! the relay, and next to the code that writes them for the page's own ([`PAGE`]). [`translate`]
//! finds the template a sentence was made from and fills its Chinese ([`ZH`], keyed by the
//! template itself) with the same values: names, numbers and RabbitMQ's words as they are, the
//! values of translated slots (Warren's words, a sentence inside the sentence) in Chinese too.
//!
//! The release page (feature `split`) carries no Chinese and no template it does not write
//! itself: it reads both pairs from `zh.json` ([`super::catalogue`]), like every other Chinese text.

use super::Lang;
#[cfg(not(feature = "split"))]
use crate::{
    model::{edit, state},
    share::{base64url, deflate},
};
use warren_shared::sentences::{self, Piece, pieces};
#[cfg(not(feature = "split"))]
use warren_shared::sentences::{foreign, problems as p, relay as r};

/// Slots of the page's own templates whose values are translated too (see
/// [`sentences::TRANSLATED`]).
pub const PAGE_TRANSLATED: &[&str] = &["from", "to"];

/// How deep sentences inside sentences are translated.
const DEPTH: usize = 4;

/// `sentence` in `lang` when it was made from a known template; `None` in English or for a
/// sentence of no known template (it then stays as it is).
pub fn translate(sentence: &str, lang: Lang) -> Option<String> {
    match lang {
        Lang::En => None,
        Lang::Zh => chinese(sentence, DEPTH),
    }
}

/// `text` in `lang`: translated when it was made from a known template, else as it is.
pub fn say(text: &str, lang: Lang) -> String {
    translate(text, lang).unwrap_or_else(|| text.to_owned())
}

/// The rest of a notice in `lang` ([`super::texts::notice`]): a sentence of a template, or one in
/// parentheses, or a problem as `path: sentence`; anything else as it is.
pub fn say_rest(text: &str, lang: Lang) -> String {
    if let Some((path, sentence)) = text.split_once(": ")
        && !path.contains(char::is_whitespace)
        && let Some(said) = translate(sentence, lang)
    {
        return format!("{path}：{said}");
    }
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')'))
        && let Some(said) = translate(inner, lang)
    {
        return format!("（{said}）");
    }
    say(text, lang)
}

fn chinese(sentence: &str, depth: usize) -> Option<String> {
    let (template, values) = sentences::reading(pairs().map(|(en, _)| en), sentence)?;
    let zh = pairs().find(|(en, _)| *en == template)?.1;
    let values: Vec<(&str, String)> = values
        .into_iter()
        .map(|(slot, value)| {
            let translated = sentences::TRANSLATED.contains(&slot) || PAGE_TRANSLATED.contains(&slot);
            let value = match translated {
                true => value_in_chinese(value, depth),
                false => value.to_owned(),
            };
            (slot, value)
        })
        .collect();
    let value = |piece: Option<&Piece<'_>>| match piece {
        Some(Piece::Slot(name)) => values.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()),
        _ => None,
    };
    // A space of the template beside a slot is there for a value in Latin letters or digits: it
    // goes between Chinese text and a value said in Chinese.
    let wide = |c: Option<char>| c.is_some_and(|c| matches!(c, '\u{3000}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}'));
    let pieces = pieces(zh);
    let mut out = String::with_capacity(zh.len() + sentence.len());
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Text(text) => {
                let mut text = text.as_str();
                if let Some(rest) = text.strip_prefix(' ')
                    && wide(value(i.checked_sub(1).and_then(|i| pieces.get(i))).and_then(|v| v.chars().last()))
                    && wide(rest.chars().next())
                {
                    text = rest;
                }
                if let Some(rest) = text.strip_suffix(' ')
                    && wide(value(pieces.get(i + 1)).and_then(|v| v.chars().next()))
                    && wide(rest.chars().last())
                {
                    text = rest;
                }
                out.push_str(text);
            }
            Piece::Slot(name) => match value(Some(piece)) {
                Some(v) => out.push_str(v),
                None => out.push_str(&format!("{{{name}}}")),
            },
        }
    }
    Some(out)
}

/// A translated slot's value: a sentence, one of the words, or (a name after all) as it is.
fn value_in_chinese(value: &str, depth: usize) -> String {
    if let Some((_, zh)) = words().find(|(en, _)| *en == value) {
        return zh.to_owned();
    }
    match depth {
        0 => None,
        _ => chinese(value, depth - 1),
    }
    .unwrap_or_else(|| value.to_owned())
}

/// Every `(template, Chinese)` pair.
#[cfg(not(feature = "split"))]
fn pairs() -> impl Iterator<Item = (&'static str, &'static str)> {
    ZH.iter().copied()
}

/// Every `(word, Chinese)` pair.
#[cfg(not(feature = "split"))]
fn words() -> impl Iterator<Item = (&'static str, &'static str)> {
    ZH_WORDS.iter().copied()
}

/// Every `(template, Chinese)` pair, once the catalogue is loaded.
#[cfg(feature = "split")]
fn pairs() -> impl Iterator<Item = (&'static str, &'static str)> {
    super::catalogue::sentences()
        .iter()
        .map(|(en, zh)| (en.as_str(), zh.as_str()))
}

/// Every `(word, Chinese)` pair, once the catalogue is loaded.
#[cfg(feature = "split")]
fn words() -> impl Iterator<Item = (&'static str, &'static str)> {
    super::catalogue::words()
        .iter()
        .map(|(en, zh)| (en.as_str(), zh.as_str()))
}

/// The page's own templates: notices with values, a share link's decoder.
#[cfg(not(feature = "split"))]
pub fn page() -> impl Iterator<Item = &'static str> {
    [state::PROTOCOL_MISMATCH, edit::LINE_MEANS_NOTHING]
        .into_iter()
        .chain(base64url::SENTENCES.iter().copied())
        .chain(deflate::SENTENCES.iter().copied())
}

/// The page's own words that fill [`PAGE_TRANSLATED`] slots.
#[cfg(not(feature = "split"))]
pub fn page_words() -> impl Iterator<Item = &'static str> {
    edit::KINDS.iter().copied()
}

/// Every template the page translates: validation's, the relay's, serde's and its own.
#[cfg(not(feature = "split"))]
pub fn templates() -> impl Iterator<Item = &'static str> {
    sentences::all().chain(page())
}

/// Every word the page translates in a slot.
#[cfg(not(feature = "split"))]
pub fn all_words() -> impl Iterator<Item = &'static str> {
    sentences::words().chain(page_words())
}

/// The Chinese of every template, keyed by the template.
#[cfg(not(feature = "split"))]
pub const ZH: &[(&str, &str)] = &[
    // Validation: the document.
    (
        p::NOT_AN_OBJECT,
        "场景是一个 JSON 对象，例如 {{\"version\": {version}}}，而不是{kind}；格式见 docs/scenarios.md",
    ),
    (
        p::WRONG_VERSION,
        "这个 Warren 读取的场景格式版本是 {supported}，但文档写的是 {version}",
    ),
    (p::SEE_FORMAT, "{error}；格式见 {doc}"),
    (
        p::POSITION_KEY,
        "位置的键是 `publisher:`、`exchange:`、`queue:` 或 `consumer:` 加上元素的名称",
    ),
    (p::POSITION_RANGE, "位置在两个坐标轴上都必须介于 0 和 {max} 之间"),
    // Limits and settings.
    (p::OVER_LIMIT, "{n} 个{what}超过了此 relay 的上限 {max}"),
    (
        p::TOO_MANY_MESSAGES,
        "生产者总共发送 {total} 条消息，超过了此 relay 每次运行 {max} 条的上限",
    ),
    (p::NO_TIME, "运行需要时间：请给 max_duration_ms 一个正值"),
    (p::TOO_LONG, "{ms} 毫秒超过了此 relay 每次运行 {max} 毫秒的上限"),
    (p::SNAPSHOT_INTERVAL, "队列快照的间隔至少为 {ms} 毫秒"),
    // Names.
    (p::NEEDS_NAME, "每个{what}都需要名称"),
    (p::NAME_TOO_LONG, "{what}名称长 {bytes} 字节；AMQP 名称最多 255 字节"),
    (
        p::AMQ_RESERVED,
        "以 \"amq.\" 开头的名称由 RabbitMQ 保留：请给“{name}”改名",
    ),
    (p::NAME_TAKEN, "已经有另一个{what}名为“{name}”"),
    (p::NO_NAMED, "没有名为“{name}”的{kind}"),
    // Exchanges, queues, bindings, policies.
    (
        p::ALTERNATE_EXCHANGE,
        "alternate-exchange 必须是一个交换机的名称（字符串）",
    ),
    (
        p::EXCLUSIVE_ON_NODE,
        "排他队列属于声明它的连接，也就是本次运行自己的连接：不能把它放到另一个节点上",
    ),
    (p::NO_NODE, "没有名为“{node}”的节点；这个集群有 {nodes}"),
    (
        p::MAX_PRIORITY_ARGUMENT,
        "x-max-priority 必须是 1 到 255 的整数（RabbitMQ 建议最多 10）",
    ),
    (p::QUEUE_MODE_ARGUMENT, "x-queue-mode 必须是 \"default\" 或 \"lazy\""),
    (
        p::OVERFLOW_ARGUMENT,
        "x-overflow 必须是 \"drop-head\"、\"reject-publish\" 或 \"reject-publish-dlx\"",
    ),
    (p::EXPIRES_ARGUMENT, "x-expires 必须是以毫秒计的整数，至少为 1"),
    (
        p::QUEUE_TYPE_ARGUMENT,
        "请用队列的 \"type\" 字段设置队列类型，而不是 x-queue-type",
    ),
    (p::STRING_ARGUMENT, "{key} 必须是字符串"),
    (p::NUMBER_ARGUMENT, "{key} 必须是大于等于 0 的整数"),
    (p::DEFAULT_UNBINDABLE, "默认交换机不能绑定；请绑定一个有名称的交换机"),
    (
        p::X_MATCH,
        "x-match 必须是 \"all\"、\"any\"、\"all-with-x\" 或 \"any-with-x\"",
    ),
    (p::POLICY_PATTERN, "模式是与名称匹配的正则表达式；\".*\" 匹配一切"),
    (
        p::POLICY_EMPTY,
        "策略至少需要一个键，例如 \"alternate-exchange\" 或 \"max-length\"",
    ),
    (
        p::POLICY_PRIORITY,
        "RabbitMQ 不接受策略中的优先级：请在队列上设置 x-max-priority",
    ),
    // Publishers.
    (
        p::NO_EXCHANGE_TO_SEND_TO,
        "没有名为“{name}”的交换机（默认交换机请用 \"\"）",
    ),
    (p::ROUTING_KEY_TOO_LONG, "路由键最多 255 字节"),
    (p::NO_MESSAGES, "生产者至少要发送一条消息"),
    (p::RATE, "速率必须是每秒消息数，且为正数（不填则尽快发送）"),
    (p::BODY_TOO_LARGE, "{bytes} 字节的消息体超过了此 relay {max} 字节的上限"),
    (p::N_ZERO, "n 必须大于等于 1"),
    (p::NO_PRIORITIES, "请至少给出一个优先级"),
    (p::MIN_OVER_MAX, "min 不能大于 max"),
    (p::EMPTY_BATCH, "一批至少包含一条消息"),
    (p::EMPTY_WINDOW, "窗口必须允许至少一条消息在途"),
    (
        p::OUTBOX_NEEDS_CONFIRMS,
        "发件箱会保存消息直到 broker 确认：请选择 \"off\" 以外的确认模式",
    ),
    // Consumers.
    (
        p::RULES_NEED_MANUAL,
        "nack 和 reject 规则需要手动确认（\"ack\": \"manual\"）",
    ),
    (p::EVERY_NTH_ZERO, "every_nth 必须大于等于 1"),
    (
        p::STOP_AFTER_ZERO,
        "stop_after 必须大于等于 1（不填则一直消费到运行结束）",
    ),
    (p::PROCESSING_TOO_LONG, "每条消息的处理时间比整个运行还长"),
    // Starts and the timeline.
    (p::STARTS_TOO_LATE, "于 {at} 毫秒启动，晚于运行的时间上限 {max} 毫秒"),
    (p::WAITS_FOR_ITSELF, "参与者不能等待自己"),
    (p::NO_ACTOR_TO_WAIT_FOR, "没有名为“{name}”的生产者或消费者可以等待"),
    (
        p::WAITS_IN_A_CYCLE,
        "“{name}”等待的参与者（最终）又在等待“{name}”：谁都不会启动",
    ),
    (p::NO_START_STEP, "“{name}”由时间线步骤启动，但没有步骤启动它"),
    (p::STEP_TOO_LATE, "{at} 毫秒晚于运行的时间上限 {max} 毫秒"),
    (p::NO_ACTOR, "没有名为“{name}”的生产者或消费者"),
    (p::POLICY_NOT_SET, "那个时刻没有设置名为“{name}”的策略"),
    (
        p::NODE_FAULTS_OFF,
        "此 relay 关闭了节点故障：停止一个节点会影响集群上的每次运行，所以只有在 Warren 为单个用户管理的集群上才允许\
         （工作坊模式或外部 broker 上不允许）；请改为切断连接",
    ),
    (p::CUT_TOO_SHORT, "连接切断至少持续 1 毫秒"),
    // Exercises.
    (
        p::EXERCISE_ID,
        "练习需要一个由字母、数字和短横线组成的 id，例如 \"catch-unroutables\"",
    ),
    (p::TEXT_NEEDS_LANGUAGE, "这段文字需要{language}版本"),
    (p::NO_CHECKS, "练习至少需要一项检查：运行必须表现出什么才算通过"),
    (
        p::NOTHING_TO_LOCK,
        "答案中没有可锁定的部分“{path}”；路径按名称指出字段以及交换机、队列、策略、生产者和消费者的各部分，\
         按序号指出绑定和时间线步骤，例如 \"publishers/producer/count\"",
    ),
    (
        p::NEEDS_NODE_FAULTS,
        "答案的时间线会停止、杀死或启动节点：请把 needs_node_faults 设为 true",
    ),
    (
        p::NEEDS_NO_NODE_FAULTS,
        "答案的时间线从不停止、杀死或启动节点：请去掉 needs_node_faults",
    ),
    (p::NESTED_EXERCISE, "答案是普通场景：请去掉其中的 exercise"),
    (
        p::COUNT_OF_ONE_QUEUE,
        "{counter} 的计数针对整个运行；只有 delivered、dead_lettered 和 left_in_queue 按单个队列计数",
    ),
    (p::COUNT_BY_CODE, "只有 returned 按回复码计数，{counter} 不行"),
    (p::FIRST_ZERO, "first 必须大于等于 1（不填则查看每一次投递）"),
    (p::NO_EVENT_TYPE, "没有事件类型“{event}”；事件类型有 {types}"),
    (
        p::EVENT_NOT_ABOUT_A_QUEUE,
        "{event} 事件与队列无关；与队列有关的是：{events}",
    ),
    (p::EVENT_WITHOUT_CODE, "{event} 事件没有回复码；有回复码的是：{events}"),
    (
        p::FIELD_IS_A_NUMBER,
        "{field} 是数字：请用 op 和 value 比较，例如 \"op\": \"=\", \"value\": 0",
    ),
    (
        p::FIELD_IS_A_WORD,
        "{field} 是一个词：请用 is 说明是哪个，例如 \"is\": \"quorum\"",
    ),
    (p::SOLUTION_HAS_NO, "答案中没有名为“{name}”的{kind}"),
    (p::ARGUMENT_NAME, "请写出参数名，例如 \"ha-mode\""),
    (
        p::ONE_TARGET,
        "queue、exchange 和 policy 最多只能写一个（都不写则到处查找）",
    ),
    (
        p::LOCKED,
        "{path} 在这个练习中是锁定的：检查依赖它，请把它恢复成练习中的样子",
    ),
    // The relay: why an actor stopped, a publisher's messages.
    (r::FINISHED, "已完成"),
    (r::STOPPED, "已停止"),
    (r::FINISHED_AFTER, "处理 {n} 条消息后结束"),
    (r::NEVER_STARTED, "从未启动：在它启动之前就被停止了，或运行已经结束"),
    (r::ACTOR_FAILED, "失败：{error}"),
    (r::CLOSED_BY_RABBITMQ, "被 RabbitMQ 关闭：{close}"),
    (
        r::MANDATORY_WITHOUT_CONFIRMS,
        "{publisher}：Warren 的 AMQP 客户端只在确认模式的信道上显示 basic.return，所以这个 mandatory 生产者的信道\
         处于确认模式；它发送时不等待，全部发完后再收取确认。",
    ),
    (r::BROKER_DOWN, "与 broker 的连接已断开"),
    (
        r::UNCONFIRMED_ONE,
        "{publisher}：1 条消息既没有收到 ack 也没有收到 nack：{cause}；没有发件箱，不会有人重发它",
    ),
    (
        r::UNCONFIRMED,
        "{publisher}：{n} 条消息既没有收到 ack 也没有收到 nack：{cause}；没有发件箱，不会有人重发它们",
    ),
    (r::CLOSED_FIRST, "RabbitMQ 先关闭了信道（{close}）"),
    (r::FAILED_FIRST, "信道或连接先出了故障（{error}）"),
    (r::FAILED_FIRST_UNKNOWN, "信道或连接先出了故障"),
    (r::COULD_NOT_PUBLISH, "无法发布：{error}"),
    (r::NOT_CONFIRMED, "未确认：{error}"),
    (r::NACKED, "被 nack"),
    (r::STILL_HELD, "生产者停止时仍保存在发件箱中"),
    (r::CONFIRMS_LATE, "{publisher}：停止 {s} 秒后仍有确认没有到达"),
    // The run's connection.
    (r::CONNECTION_LOST, "连接丢失"),
    (r::CONNECTION_CLOSED, "连接已关闭"),
    (
        r::BLOCKED,
        "RabbitMQ 阻塞了本次运行的连接（{alarm}）：资源告警会让 broker 上的所有生产者停下，直到告警解除\
         （`rabbitmq-diagnostics alarms` 会指出是哪个告警）",
    ),
    (
        r::UNBLOCKED,
        "RabbitMQ 解除了本次运行连接的阻塞：资源告警已解除，发布继续",
    ),
    (
        r::HANDSHAKE_TIMEOUT,
        "RabbitMQ 接受了连接，但没有在 {s} 秒内完成 AMQP 握手",
    ),
    // Queues at the end, snapshots.
    (
        r::QUEUE_GONE_AT_END,
        "运行结束时 {queue} 已不存在（自动删除的队列随最后一个消费者离开而删除），其中的消息都已消失",
    ),
    (r::LEFT_UNREADABLE, "无法读取 {queue} 中剩下的消息：{error}"),
    (r::SNAPSHOTS_UNAVAILABLE, "暂时无法获取队列快照：{error}"),
    (
        r::STATISTICS_BEHIND,
        "运行结束时管理 API 的统计还没跟上；最后一个队列快照可能滞后几秒",
    ),
    // Timeline steps.
    (r::STEP_START, "启动 {actor}"),
    (r::STEP_STOP, "停止 {actor}"),
    (r::STEP_PURGE, "清空 {queue}"),
    (r::STEP_APPLY_POLICY, "应用策略 {name}"),
    (r::STEP_CLEAR_POLICY, "清除策略 {name}"),
    (r::STEP_STOP_NODE, "停止节点 {node}"),
    (r::STEP_KILL_NODE, "杀死节点 {node}"),
    (r::STEP_START_NODE, "启动节点 {node}"),
    (r::STEP_CUT, "切断 relay 的连接 {ms} 毫秒"),
    (r::SKIPPED_STARTED, "{step}（已跳过：它已经启动或结束）"),
    (r::SKIPPED_FINISHED, "{step}（已跳过：它已经结束）"),
    (r::PURGE_FAILED, "无法清空 {queue}：{error}"),
    (r::APPLY_POLICY_FAILED, "无法应用策略 {name}：{error}"),
    (r::CLEAR_POLICY_FAILED, "无法清除策略 {name}：{error}"),
    // Node faults.
    (r::NO_FAULTS, "此 relay 不管理集群，所以不能停止或启动节点"),
    (r::NODE_STOPPED, "{node} 已停止（rabbitmqctl stop_app），用时 {ms} 毫秒"),
    (r::NODE_CRASHED, "{node} 已崩溃（kill -9）"),
    (r::NODE_RUNNING_AGAIN, "{node} 在 {ms} 毫秒后重新运行"),
    (
        r::UNKNOWN_NODE,
        "无法{action}节点 {node}：它不是 Warren 的 RabbitMQ 节点（这些节点是 {known}）",
    ),
    (r::FAULT_FAILED, "无法{action} RabbitMQ 节点 {node}：{error}"),
    (r::NOT_RUNNING, "它没有在运行"),
    (
        r::NO_LIVE_PID,
        "它没有在运行（没有哪个 Erlang 虚拟机的 pid 是 {file} 中记录的）",
    ),
    (r::KILL_NOT_RUN, "无法执行 kill：{error}"),
    (r::KILL_FAILED, "kill -9 {pid} 失败（{status}）"),
    (
        r::STILL_ALIVE,
        "kill -9 之后 {s} 秒，它的 Erlang 虚拟机（pid {pid}）仍然存活",
    ),
    (r::RESTARTED, "运行结束后 {node} 重新启动：场景让它停在了宕机状态"),
    (r::NOT_RESTARTED, "运行结束后无法重新启动 {node}：{error}"),
    // Topology and the broker's version.
    (
        r::UNKNOWN_ADDRESS,
        "{queue} 本应位于节点 {node}，但 relay 不知道该节点的地址（请提供集群各节点的 URL）；它会在 relay 所连接的节点上声明",
    ),
    (
        r::VERSION_UNREADABLE,
        "无法读取 broker 的版本（{version}），所以 Warren 无法说明它支持哪些功能",
    ),
    (
        r::LAZY_IGNORED_NOTE,
        "RabbitMQ {version} 忽略惰性模式：经典队列自己会把消息放在磁盘上",
    ),
    (
        r::NO_MIRRORING_NOTE,
        "RabbitMQ {version} 没有经典队列镜像：请使用仲裁队列",
    ),
    (
        r::MIRRORING_DEPRECATED_NOTE,
        "经典队列镜像在 RabbitMQ {version} 中已弃用：建议使用仲裁队列",
    ),
    (
        r::QUORUM_PRIORITIES_NOTE,
        "RabbitMQ {version} 拒绝仲裁队列上的优先级：请使用带 x-max-priority 的经典队列",
    ),
    (
        r::LAZY_IGNORED,
        "RabbitMQ {version} 忽略惰性模式：从 3.12 起每个经典队列都把消息放在磁盘上，内存中只留一小部分，\
         所以 {queues} 的表现会和默认队列一样",
    ),
    (
        r::NO_MIRRORING,
        "RabbitMQ {version} 没有经典队列镜像：它拒绝 ha-* 策略键；复制队列请使用仲裁队列（\"type\": \"quorum\"）",
    ),
    (
        r::MIRRORING_DEPRECATED,
        "经典队列镜像在 RabbitMQ {version} 中已弃用，并在 4.0 中移除；替代品是仲裁队列",
    ),
    (
        r::QUORUM_PRIORITIES,
        "RabbitMQ {version} 不支持仲裁队列上的优先级（从 4.0 起支持）：预计它会拒绝 {queue}",
    ),
    (
        r::QUORUM_LAZY,
        "仲裁队列没有惰性模式：预计 RabbitMQ 会拒绝 {queue} 上的 x-queue-mode",
    ),
    // How a run ended, or could not start.
    (r::VHOST_FAILED, "无法创建本次运行的 vhost：{error}"),
    (
        r::CONNECT_FAILED,
        "无法通过 AMQP 连接 {url} 上的 RabbitMQ：{reason}。请检查 broker 是否在运行，以及 --amqp-url 是否正确",
    ),
    (r::NO_HOST, "AMQP URL 中没有主机"),
    (r::PROXY_FAILED, "无法启动代理：{error}"),
    (r::NO_CHANNEL, "无法打开信道：{error}"),
    (
        r::TOPOLOGY_REFUSED,
        "RabbitMQ 拒绝了部分拓扑（见 refused 事件）；没有发送任何消息",
    ),
    (r::STOPPED_EARLY, "在完成之前被停止"),
    (
        r::TIME_LIMIT,
        "运行达到了 {ms} 毫秒的时间上限，已被停止（调大 settings.max_duration_ms 可以让它继续）",
    ),
    (
        r::STUCK,
        "RabbitMQ 停止了响应：本次运行在{waited}仍在等待 broker，已被放弃；请检查 broker（`warren broker status`）后再运行",
    ),
    (r::AFTER_TIME_LIMIT, "超过时间上限 {s} 秒后"),
    (r::AFTER_STOP, "被停止 {s} 秒后"),
    (r::ACTORS_ABANDONED, "有些参与者没有及时停止，已被放弃"),
    (r::STEPS_LEFT, "运行在所有时间线步骤执行之前就结束了"),
    (
        r::NO_FINAL_SNAPSHOT,
        "无法获取最终快照，也无法读取队列中剩下的消息：{error}",
    ),
    (r::FAILED_INSIDE, "运行在 relay 内部失败：{error}"),
    // The socket.
    (
        r::BINARY_FRAME,
        "无法理解二进制帧：请发送 JSON 文本，例如 {{\"type\":\"stop\"}}",
    ),
    (
        r::IDLE,
        "关闭连接：页面已有 {s} 秒没有发来任何内容（打开着的页面会回应 relay 的 ping）",
    ),
    (r::SHUTTING_DOWN, "relay 正在关闭；运行正在停止"),
    (
        r::FELL_BEHIND,
        "页面落后太多（超过 {backlog} 条消息在等它），relay 关闭了连接。请重新加载页面继续",
    ),
    (
        r::FELL_BEHIND_STOPPED,
        "页面落后太多（超过 {backlog} 条消息在等它），relay 关闭了连接；它的运行已停止，vhost 正在删除。请重新加载页面继续",
    ),
    (
        r::MESSAGE_TOO_LARGE,
        "{bytes} 字节的消息超过了此 relay 能接受的大小（{max} 字节）；一个场景通常只有几 KB",
    ),
    (
        r::UNREADABLE_MESSAGE,
        "无法读取这条消息（{error}）：请发送 JSON，例如 {{\"type\":\"run\",\"scenario\":{{...}}}} 或 {{\"type\":\"stop\"}}",
    ),
    (r::NOTHING_TO_STOP, "这个连接上没有可以停止的运行"),
    (r::ALREADY_RUNNING, "这个连接上已经有一个运行：请先停止它或等它结束"),
    (
        r::LINE_FULL,
        "relay 正在运行 {running} 个场景，已达上限，另有 {waiting} 个在等待空闲名额，队伍也已排满；请约 {s} 秒后再试",
    ),
    // serde, serde_json, the AMQP client.
    (foreign::MISSING_FIELD, "缺少字段 `{field}`"),
    (foreign::UNKNOWN_FIELD, "未知字段 `{field}`，应为 {expected}"),
    (foreign::UNKNOWN_FIELD_NONE, "未知字段 `{field}`，这里没有字段"),
    (foreign::UNKNOWN_VARIANT, "未知取值 `{variant}`，应为 {expected}"),
    (foreign::UNKNOWN_VARIANT_NONE, "未知取值 `{variant}`，这里没有可选的值"),
    (foreign::INVALID_TYPE, "类型不对：{unexpected}，应为 {expected}"),
    (foreign::INVALID_VALUE, "值不对：{unexpected}，应为 {expected}"),
    (foreign::INVALID_LENGTH, "长度不对：{length}，应为 {expected}"),
    (foreign::DUPLICATE_FIELD, "字段 `{field}` 重复"),
    (foreign::ONE_OF, "{names} 之一"),
    (foreign::EITHER, "`{first}` 或 `{second}`"),
    (foreign::BOOLEAN_VALUE, "布尔值 `{value}`"),
    (foreign::INTEGER_VALUE, "整数 `{value}`"),
    (foreign::FLOAT_VALUE, "浮点数 `{value}`"),
    (foreign::STRING_VALUE, "字符串 \"{value}\""),
    (foreign::AT_LINE, "{error}（第 {line} 行第 {column} 列）"),
    (foreign::IO_ERROR, "IO 错误：{error}"),
    // The page's own.
    (
        state::PROTOCOL_MISMATCH,
        "relay 使用协议 {relay}，但本页是为协议 {page} 构建的。请重新加载页面；如果问题依旧，\
         请重新构建前端（cargo xtask build-frontend）并重启 relay。",
    ),
    (
        edit::LINE_MEANS_NOTHING,
        "从{from}到{to}的连线没有意义：生产者发送到交换机，交换机绑定队列和交换机，队列供给消费者",
    ),
    (base64url::BAD_LENGTH, "{n} 个符号不是 base64url 可能有的长度"),
    (base64url::BAD_SYMBOL, "偏移 {offset} 处的符号 {symbol} 不是 base64url"),
    (base64url::STRAY_BITS, "最后一个符号含有不属于任何字节的位"),
    (deflate::CUT_SHORT, "数据提前结束（被截断了）"),
    (deflate::TOO_LARGE, "数据解压后超过了上限"),
    (deflate::RESERVED_TYPE, "有一个块使用了保留的类型 3"),
    (deflate::STORED_LENGTH, "一个存储块的长度已损坏"),
    (deflate::OVER_SUBSCRIBED, "一个 Huffman 编码超额分配"),
    (deflate::INCOMPLETE, "一个 Huffman 编码不完整"),
    (deflate::NOT_IN_TABLE, "一个编码不在它的 Huffman 表中"),
    (deflate::TOO_MANY_CODES, "一个块声明了过多的编码"),
    (deflate::REPEATS_NOTHING, "一个长度重复了不存在的内容"),
    (deflate::LENGTHS_PAST_TABLE, "编码长度超出了它们的表"),
    (deflate::NO_END_OF_BLOCK, "一个块没有块结束编码"),
    (deflate::LENGTH_OUT_OF_RANGE, "一个长度编码超出范围"),
    (deflate::DISTANCE_OUT_OF_RANGE, "一个距离编码超出范围"),
    (deflate::BEFORE_THE_START, "一个匹配引用了数据开头之前的位置"),
];

/// The Chinese of every word that fills a translated slot, keyed by the word.
#[cfg(not(feature = "split"))]
pub const ZH_WORDS: &[(&str, &str)] = &[
    // Validation.
    (p::NULL, "空值 null"),
    (p::A_BOOLEAN, "布尔值"),
    (p::A_NUMBER, "数字"),
    (p::A_STRING, "字符串"),
    (p::AN_ARRAY, "数组"),
    (p::EXCHANGE, "交换机"),
    (p::QUEUE, "队列"),
    (p::POLICY, "策略"),
    (p::PUBLISHER, "生产者"),
    (p::ACTOR, "参与者（生产者和消费者共用一个命名空间）"),
    (p::QUEUE_OR_EXCHANGE, "队列或交换机"),
    (p::ANYTHING, "生产者、消费者、队列、交换机、策略或节点"),
    (p::EXCHANGES, "交换机"),
    (p::QUEUES, "队列"),
    (p::BINDINGS, "绑定"),
    (p::POLICIES, "策略"),
    (p::STEPS, "时间线步骤"),
    (p::ACTORS, "生产者和消费者"),
    (p::ENGLISH, "英文（en）"),
    (p::CHINESE, "中文（zh）"),
    // The relay.
    (r::STOP, "停止"),
    (r::KILL, "杀死"),
    (r::START, "启动"),
    (r::POLICY_QUEUES, "策略匹配到的队列"),
    // serde, serde_json, the AMQP client.
    (foreign::VALUE_MISSING, "缺少值"),
    (foreign::UNIT_VALUE, "空值 null"),
    (foreign::SEQUENCE, "数组"),
    (foreign::MAP, "对象"),
    (foreign::A_SEQUENCE, "数组"),
    (foreign::A_MAP, "对象"),
    (foreign::U8, "0 到 255 的整数"),
    (foreign::U16, "0 到 65535 的整数"),
    (foreign::U32, "大于等于 0 的整数"),
    (foreign::U64, "大于等于 0 的整数"),
    (foreign::F64, "数字"),
    (foreign::EOF_VALUE, "解析值时文本意外结束"),
    (foreign::EOF_OBJECT, "解析对象时文本意外结束"),
    (foreign::EOF_LIST, "解析数组时文本意外结束"),
    (foreign::EOF_STRING, "解析字符串时文本意外结束"),
    (foreign::EXPECTED_VALUE, "这里应该是一个值"),
    (foreign::EXPECTED_COLON, "这里应该是 `:`"),
    (foreign::EXPECTED_COMMA_OBJECT, "这里应该是 `,` 或 `}`"),
    (foreign::EXPECTED_COMMA_LIST, "这里应该是 `,` 或 `]`"),
    (foreign::EXPECTED_IDENT, "这里应该是 true、false 或 null"),
    (foreign::KEY_MUST_BE_A_STRING, "键必须是字符串"),
    (foreign::TRAILING_COMMA, "多余的逗号"),
    (foreign::TRAILING_CHARACTERS, "末尾有多余的字符"),
    (foreign::INVALID_NUMBER, "无效的数字"),
    (foreign::INVALID_ESCAPE, "无效的转义"),
    (
        foreign::CONTROL_CHARACTER,
        "解析字符串时遇到控制字符（\\u0000-\\u001F）",
    ),
    (foreign::NO_HEARTBEAT, "太久没有收到服务器的心跳"),
    (foreign::CONNECTION_REFUSED, "连接被拒绝（os error 111）"),
    (foreign::CONNECTION_RESET, "连接被对方重置（os error 104）"),
    // The page's own.
    (edit::KINDS[0], "生产者"),
    (edit::KINDS[1], "交换机"),
    (edit::KINDS[2], "队列"),
    (edit::KINDS[3], "消费者"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use warren_shared::say;

    fn slots(template: &str) -> BTreeSet<&str> {
        pieces(template)
            .into_iter()
            .filter_map(|piece| match piece {
                Piece::Slot(name) => Some(name),
                Piece::Text(_) => None,
            })
            .collect()
    }

    /// A template without Chinese fails here: every template the page can meet has its
    /// translation, with the same slots, and nothing else has one.
    #[test]
    fn every_template_and_word_has_its_chinese() {
        let mut listed = BTreeSet::new();
        for template in templates() {
            assert!(listed.insert(template), "{template} is listed twice");
            let zh = ZH.iter().find(|(en, _)| *en == template).map(|(_, zh)| *zh);
            let zh = zh.unwrap_or_else(|| panic!("no Chinese for {template:?}"));
            assert_eq!(slots(zh), slots(template), "the slots of {template:?}");
            assert_ne!(zh, template, "{template:?} is not translated");
        }
        assert_eq!(ZH.len(), listed.len(), "Chinese for a template no one writes");
        let mut listed = BTreeSet::new();
        for word in all_words() {
            assert!(listed.insert(word), "the word {word} is listed twice");
            assert!(
                ZH_WORDS.iter().any(|(en, _)| *en == word),
                "no Chinese for the word {word:?}"
            );
        }
        assert_eq!(ZH_WORDS.len(), listed.len(), "Chinese for a word no one writes");
    }

    #[test]
    fn names_numbers_and_several_slots_are_kept() {
        let odd = "my \"odd\" queue: v2";
        let sentence = say!(p::NO_NAMED, kind = p::QUEUE, name = odd);
        assert_eq!(
            translate(&sentence, Lang::Zh).as_deref(),
            Some("没有名为“my \"odd\" queue: v2”的队列")
        );
        assert_eq!(translate(&sentence, Lang::En), None);
        // A name that happens to be one of the words stays a name.
        let named_queue = say!(p::NO_NAMED, kind = p::EXCHANGE, name = "queue");
        assert_eq!(
            translate(&named_queue, Lang::Zh).as_deref(),
            Some("没有名为“queue”的交换机")
        );
        let limit = say!(p::OVER_LIMIT, n = 51, what = p::STEPS, max = 50);
        assert_eq!(say(&limit, Lang::Zh), "51 个时间线步骤超过了此 relay 的上限 50");
        let cycle = say!(p::WAITS_IN_A_CYCLE, name = "a b");
        assert_eq!(
            say(&cycle, Lang::Zh),
            "“a b”等待的参与者（最终）又在等待“a b”：谁都不会启动"
        );
        // Spaces inside a name stay, even between Chinese characters.
        let chinese_name = say!(p::NO_NAMED, kind = p::QUEUE, name = "订单 队列");
        assert_eq!(say(&chinese_name, Lang::Zh), "没有名为“订单 队列”的队列");
        let numbers = say!(p::STEP_TOO_LATE, at = 5000, max = 2000);
        assert_eq!(say(&numbers, Lang::Zh), "5000 毫秒晚于运行的时间上限 2000 毫秒");
        assert_eq!(say("something we never wrote", Lang::Zh), "something we never wrote");
        assert_eq!(
            translate("there is no queue named q", Lang::Zh),
            None,
            "no quotes, no template"
        );
    }

    #[test]
    fn sentences_inside_sentences_are_translated_and_rabbitmqs_words_kept() {
        let serde = say!(
            p::SEE_FORMAT,
            error = "unknown field `dureble`, expected one of `name`, `durable`",
            doc = "docs/scenarios.md"
        );
        assert_eq!(
            say(&serde, Lang::Zh),
            "未知字段 `dureble`，应为 `name`, `durable` 之一；格式见 docs/scenarios.md"
        );
        let typed = say!(
            p::SEE_FORMAT,
            error = "invalid type: string \"yes\", expected a boolean",
            doc = "docs/scenarios.md"
        );
        assert_eq!(
            say(&typed, Lang::Zh),
            "类型不对：字符串 \"yes\"，应为布尔值；格式见 docs/scenarios.md"
        );
        let close = "403 ACCESS_REFUSED - cannot publish to internal exchange 'inside' in vhost 'v'";
        let stopped = say!(r::CLOSED_BY_RABBITMQ, close);
        assert_eq!(say(&stopped, Lang::Zh), format!("被 RabbitMQ 关闭：{close}"));
        let cause = say!(r::CLOSED_FIRST, close);
        let warning = say!(r::UNCONFIRMED, publisher = "p 1", n = 3, cause);
        assert_eq!(
            say(&warning, Lang::Zh),
            format!(
                "p 1：3 条消息既没有收到 ack 也没有收到 nack：RabbitMQ 先关闭了信道（{close}）；没有发件箱，不会有人重发它们"
            )
        );
        let skipped = say!(r::SKIPPED_FINISHED, step = say!(r::STEP_STOP, actor = "p-late"));
        assert_eq!(say(&skipped, Lang::Zh), "停止 p-late（已跳过：它已经结束）");
        let fault = say!(
            r::FAULT_FAILED,
            action = r::STOP,
            node = "warren-2@localhost",
            error = r::NOT_RUNNING
        );
        assert_eq!(
            say(&fault, Lang::Zh),
            "无法停止 RabbitMQ 节点 warren-2@localhost：它没有在运行"
        );
        assert_eq!(say(r::FINISHED, Lang::Zh), "已完成");
    }

    #[test]
    fn the_pages_own_sentences() {
        let line = say!(edit::LINE_MEANS_NOTHING, from = edit::KINDS[3], to = edit::KINDS[2]);
        assert!(say(&line, Lang::Zh).starts_with("从消费者到队列的连线没有意义"));
        let mismatch = say!(state::PROTOCOL_MISMATCH, relay = 2, page = 3);
        assert!(say(&mismatch, Lang::Zh).starts_with("relay 使用协议 2，但本页是为协议 3 构建的。"));
        assert_eq!(say(deflate::CUT_SHORT, Lang::Zh), "数据提前结束（被截断了）");
    }

    #[test]
    fn notices_say_the_sentences_after_their_start() {
        use crate::i18n::texts::notice;
        let problem = say!(p::SEE_FORMAT, error = "missing field `name`", doc = "docs/scenarios.md");
        assert_eq!(notice(&problem, Lang::Zh), "缺少字段 `name`；格式见 docs/scenarios.md");
        assert_eq!(
            notice(
                &format!("this is not a Warren scenario: queues[0]: {problem}"),
                Lang::Zh
            ),
            "这不是 Warren 场景：queues[0]：缺少字段 `name`；格式见 docs/scenarios.md"
        );
        assert_eq!(
            notice("this is not JSON (expected value at line 1 column 2)", Lang::Zh),
            "这不是 JSON （这里应该是一个值（第 1 行第 2 列））"
        );
        assert_eq!(notice(&problem, Lang::En), problem);
    }

    /// The problems of the broken scenarios in `shared/tests/data` (see `shared/tests/sentences.rs`),
    /// under the default limits and under tight ones.
    fn corpus_problems() -> Vec<warren_shared::Problem> {
        use warren_shared::{Limits, exercise, parse_scenario, validate};
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/data/broken-scenarios.json");
        let entries: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(path).expect("the corpus")).expect("JSON");
        let tight = Limits {
            max_exchanges: 1,
            max_queues: 1,
            max_bindings: 1,
            max_policies: 1,
            max_actors: 1,
            max_steps: 1,
            max_messages: 10,
            max_duration_ms: 1000,
            max_body_bytes: 10,
            node_faults: false,
            nodes: Vec::new(),
        };
        let cluster = Limits {
            node_faults: true,
            nodes: vec!["warren-1@localhost".into()],
            ..Limits::default()
        };
        let mut found = Vec::new();
        for entry in entries {
            match parse_scenario(&entry["document"]) {
                Err(problems) => found.extend(problems),
                Ok(scenario) => {
                    for limits in [&tight, &cluster] {
                        found.extend(validate(&scenario, limits));
                        match exercise::read(&scenario, limits) {
                            Ok(Some(e)) => found.extend(exercise::locked_problems(&e, &scenario)),
                            Ok(None) => {}
                            Err(problems) => found.extend(problems),
                        }
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_problem_of_the_broken_scenarios_is_said_in_chinese() {
        let problems = corpus_problems();
        assert!(problems.len() > 100);
        for problem in problems {
            let zh = translate(&problem.message, Lang::Zh).unwrap_or_else(|| panic!("not translated: {problem}"));
            assert!(
                !pieces(&zh).iter().any(|piece| matches!(piece, Piece::Slot(_))),
                "a slot left in {zh}"
            );
            for word in [
                "there is",
                "must be",
                "needs a",
                "named \"",
                "missing field",
                "unknown field",
                "invalid type",
            ] {
                assert!(!zh.contains(word), "English left in {zh:?} (from {problem})");
            }
        }
    }
}
