//! The page's two languages, English and simplified Chinese.
//!
//! - [`texts`]: the page's own words, one catalogue ([`Text`]), the canvas's tags ([`tag`]) and
//!   the sentences with values.
//! - [`sentences`]: sentences made from templates (validation problems, what the relay says) in
//!   Chinese.
//! - here: the gallery's examples in Chinese (the table [`ZH`], keyed by file stem; English is
//!   each example's JSON), and the choice of language.
//!
//! The choice is kept in `localStorage["warren.lang"]`; without one the browser's language
//! decides (`zh*` is Chinese).

pub mod catalogue;
pub mod sentences;
pub mod texts;

pub use texts::{Text, tag};

/// The `localStorage` key holding `"en"` or `"zh"`.
pub const STORAGE_KEY: &str = "warren.lang";

/// A language of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English, the examples' own text.
    #[default]
    En,
    /// Simplified Chinese, from [`ZH`].
    Zh,
}

impl Lang {
    /// `"en"` or `"zh"`, as stored and as the page's `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh",
        }
    }

    /// The language of a code such as `zh-CN` or `en-GB`: Chinese for `zh*`, else English.
    pub fn from_code(code: &str) -> Self {
        if code.trim().to_ascii_lowercase().starts_with("zh") {
            Self::Zh
        } else {
            Self::En
        }
    }

    /// The other one.
    pub fn toggled(self) -> Self {
        match self {
            Self::En => Self::Zh,
            Self::Zh => Self::En,
        }
    }

    /// The label of the toggle, naming the language it switches to.
    pub fn toggle_label(self) -> &'static str {
        match self {
            Self::En => "中文",
            Self::Zh => "EN",
        }
    }
}

/// `(file stem, Chinese name, Chinese explanation)` of every gallery example. The release page
/// reads them from [`catalogue::FILE`] instead.
#[cfg(not(feature = "split"))]
pub const ZH: &[(&str, &str, &str)] = &[
    (
        "confirms",
        "发布确认",
        "原教程的第一个生产者：向 confirm-exchange 发送 100 条持久化消息，路由键为 default，每条都由 broker 确认。\
         看点：100 个 ack，confirm-queue 上 100 次投递，没有丢失。",
    ),
    (
        "returns",
        "mandatory 回退",
        "原教程第二节：生产者以 mandatory 方式向 confirm-exchange 发布 100 条消息，路由键 default1 没有任何队列绑定。\
         RabbitMQ 无法路由，于是用 basic.return（312 NO_ROUTE）逐条回退，随后再 ack：ack 只表示 broker 接管了责任，\
         并不代表有队列收到了消息。没有任何投递。",
    ),
    (
        "backup-exchange",
        "备份交换机",
        "原教程第三节：confirm-exchange2 把 backup-exchange 设为备份交换机。生产者以 mandatory 方式发布 100 条消息，\
         路由键 default2 没有任何绑定。消息不会被回退，而是全部进入 backup-exchange（fanout），落入 backup-queue，\
         并保留原来的交换机和路由键：两者同时生效时，备份交换机优先于 mandatory。confirm-queue2（绑定键 default）保持为空。",
    ),
    (
        "nack",
        "一次 nack",
        "原教程作者从未见过的情形：broker 说不。confirm-queue 最多容纳 10 条消息，满了就拒绝新消息（x-overflow reject-publish），\
         所以 100 条持久化消息中前 10 条被 ack，其余 90 条被 nack。消费者在生产者结束后才启动，收到被接受的 10 条。",
    ),
    (
        "dead-letter",
        "死信",
        "被拒绝的消息去了哪里。worker 每收到第三条消息就拒绝它且不重新入队。work-queue 把 dead-letters（fanout）设为死信交换机，\
         所以 RabbitMQ 不会丢弃这些消息，而是带着 x-death 头把它们重新发布到那里，落入 parked-queue，由 auditor 读取。\
         看点：worker 收到 30 次投递，其中 10 次拒绝；同样这 10 条消息（producer#3、#6 … #30）出现在 parked-queue，死信 10 条，没有丢失。\
         删掉队列的 x-dead-letter-exchange 参数再运行一次：被拒绝的 10 条消息就永远消失了。",
    ),
    (
        "priority",
        "优先级队列",
        "原教程第四节：pri-queue 声明了 x-max-priority 10。生产者在消费者启动前发送 100 条消息，每第 5 条的优先级为 5。\
         消费者随后先按发布顺序收到 20 条优先级为 5 的消息，再按顺序收到其余 80 条。\
         （若消费者已经连上，消息到达即投递，只有积压的消息才会重新排序。）",
    ),
    (
        "lazy",
        "惰性队列",
        "原教程第五节：同样 3000 条 1 KB 的非持久化消息分别积压到 lazy-queue（x-queue-mode lazy）和 normal-queue，\
         没有消费者。最终的队列快照显示消息存放在哪里：惰性队列把它们全部换出到磁盘，内存中一条也没有；默认队列则把它们留在内存。\
         RabbitMQ 3.10 和 3.11 支持惰性模式；从 3.12 起经典队列会忽略它，运行时会给出警告。",
    ),
    (
        "outbox-outage",
        "发件箱扛过中断",
        "原教程第一节：生产者保留每条消息，直到 RabbitMQ 确认。1000 条持久化消息以每秒 200 条发送，使用流式确认；\
         2 秒时 relay 到 broker 的连接被切断 3 秒，如同 RabbitMQ 宕机。生产者继续生产：发件箱保存未能发出的消息和已发出但未确认的消息\
         （buffered），连接以退避方式恢复；broker 恢复后由定时器重发保存的消息（从未发出的记为 published，之前发过的记为 retried）。\
         每条消息至少投递一次：lost 为 0。ack 在中断中丢失的消息会被再次发送，可能投递两次：汇总会统计这些重复。",
    ),
    (
        "outage-no-outbox",
        "没有发件箱的中断",
        "与 outbox-outage.json 相同的生产者和中断，但没有发件箱。连接断开时在途的消息既收不到 ack 也收不到 nack，\
         broker 不可达期间尝试发送的消息会失败：没有人重发它们，lost 会统计这些消息。这正是原教程第一节所说的风险。",
    ),
    (
        "mirroring",
        "镜像队列故障转移",
        "原教程最后一节，在 3 节点集群上真实运行。orders-queue 位于 warren-2，策略把它镜像到另一个节点（ha-mode exactly，\
         ha-params 2），自动同步。先发布 1000 条持久化消息，再由消费者逐条处理，每条 5 ms。3 秒时主节点 warren-2 停止\
         （rabbitmqctl stop_app）：已同步的镜像被提升为主节点。消费者设置了 x-cancel-on-ha-failover，broker 取消它后它重新消费；\
         尚未 ack 的消息带 redelivered 标记重新投递，发往旧主节点途中的 ack 丢失，所以少数已处理的消息会再次到达（重复）。\
         没有消息丢失。9 秒时 warren-2 重新启动。看队列快照：主节点迁移，并在剩下的节点上建立新的镜像。",
    ),
    (
        "mirror-loss",
        "未同步的镜像",
        "原教程镜像一节没有提醒的问题。fragile-queue 位于 warren-2，在 warren-3 上有一个镜像，手动同步（默认）且 \
         ha-promote-on-failure 为 always（也是默认）。第一个发布者发送 10 条持久化消息。随后镜像重启（warren-3 停止再启动）：\
         它回来时是空的，手动同步下一直未同步。第二个发布者再发送 5 条，两个节点都收到。接着主节点崩溃（kill -9 warren-2）：\
         未同步的镜像被提升，队列只剩后来的 5 条。先前已被 broker 确认的 10 条丢失。消费者在崩溃后启动，收到这 5 条；\
         warren-2 最后重新上线。",
    ),
    (
        "quorum-failover",
        "仲裁队列故障转移",
        "对镜像各节的现代解答：仲裁队列在每个节点上都保存一份副本（3 个成员），只有多数成员拥有消息后才确认。主节点在 warren-2。\
         发布 500 条持久化消息，然后以每条 20 ms 消费。2 秒时通知主节点停止（停止需要几秒）：其他成员选出新的主节点，消费继续，\
         没有消息丢失。warren-2 在 12 秒时重新启动，作为从节点追上进度。",
    ),
];

/// The Chinese `(name, explanation)` of the example with this stem.
#[cfg(feature = "split")]
pub fn zh(stem: &str) -> Option<(&'static str, &'static str)> {
    catalogue::example(stem)
}

/// The Chinese `(name, explanation)` of the example with this stem.
#[cfg(not(feature = "split"))]
pub fn zh(stem: &str) -> Option<(&'static str, &'static str)> {
    ZH.iter()
        .find(|(s, _, _)| *s == stem)
        .map(|(_, name, text)| (*name, *text))
}

/// The language remembered in `localStorage`, if any.
pub fn remembered() -> Option<Lang> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    crate::keep::load(STORAGE_KEY).map(|code| Lang::from_code(&code))
}

/// The language remembered in `localStorage`, else the browser's.
pub fn initial() -> Lang {
    if !cfg!(target_arch = "wasm32") {
        return Lang::En;
    }
    if let Some(lang) = remembered() {
        return lang;
    }
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map_or(Lang::En, |code| Lang::from_code(&code))
}

/// `lang` if the page can show it now: Chinese only once its catalogue is here.
pub fn usable(lang: Lang) -> Lang {
    match lang {
        Lang::Zh if !catalogue::is_loaded() => Lang::En,
        lang => lang,
    }
}

/// Remember `lang` (quietly does nothing where storage is unavailable).
pub fn remember(lang: Lang) {
    crate::keep::store(STORAGE_KEY, lang.code());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(Lang::from_code("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_code("zh"), Lang::Zh);
        assert_eq!(Lang::from_code("en-US"), Lang::En);
        assert_eq!(Lang::from_code(""), Lang::En);
        assert_eq!(Lang::from_code(Lang::Zh.code()), Lang::Zh);
        assert_eq!(Lang::En.toggled(), Lang::Zh);
    }
}
