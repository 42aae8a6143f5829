//! The page's own words, in English and simplified Chinese, declared once.
//!
//! [`texts!`] turns one table into the [`Text`] enum (each variant documented by its English)
//! and [`Text::text`]; sentences that carry values (counts, names) are the small functions
//! below, each taking the [`Lang`]. Names from the scenario, numbers, RabbitMQ's own values and
//! what the broker says stay as they are. [`SAME_IN_BOTH`] lists the entries deliberately
//! written the same in both languages.
//!
//! Layout: the catalogue by region of the page (header, palette, canvas, playback, timeline,
//! inspector, forms, log, summary, plot, share, relay), then the event types, then the
//! sentences with values.

use super::Lang;
use warren_shared::event::NodeAction;
use warren_shared::{EventKind, Outcome};

/// Declares [`Text`] from `Variant: "English" / "中文",` lines.
macro_rules! texts {
    ($($name:ident: $en:literal / $zh:literal,)*) => {
        /// A text of the page; [`Text::text`] gives it in a language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Text {
            $(#[doc = $en] $name,)*
        }

        impl Text {
            /// Every text, in the catalogue's order.
            pub const ALL: &'static [Text] = &[$(Text::$name,)*];

            /// The text in `lang`; English while the Chinese catalogue is not loaded yet.
            pub fn text(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::En => match self { $(Self::$name => $en,)* },
                    Lang::Zh => self.chinese().unwrap_or_else(|| self.text(Lang::En)),
                }
            }

            /// The Chinese, built into the page.
            #[cfg(not(feature = "split"))]
            fn chinese(self) -> Option<&'static str> {
                Some(match self { $(Self::$name => $zh,)* })
            }

            /// The Chinese, from the catalogue the page loads when it first needs it.
            #[cfg(feature = "split")]
            fn chinese(self) -> Option<&'static str> {
                super::catalogue::text(self as usize)
            }
        }
    };
}

texts! {
    // Header.
    UntitledScenario: "Untitled scenario" / "未命名场景",
    Run: "Run" / "运行",
    RunHelp: "Run on the broker (Ctrl+Enter)" / "在 broker 上运行（Ctrl+Enter）",
    Stop: "Stop" / "停止",
    StopHelp: "Stop the run (Esc)" / "停止运行（Esc）",
    PhaseReady: "ready" / "就绪",
    PhaseStarting: "starting…" / "启动中…",
    PhaseRunning: "running" / "运行中",
    PhaseSettling: "finishing…" / "收尾中…",
    PhaseSettlingHelp: "The publishers are done. The run ends once nothing has moved for the scenario's settle time (settings.settle_ms), then the relay deletes the run's vhost."
        / "生产者已发完。场景的静止时间（settings.settle_ms）内没有任何动静后运行结束，随后 relay 删除本次运行的 vhost。",
    PhaseStopping: "stopping…" / "停止中…",
    PhaseInvalid: "not run: fix the problems" / "未运行：请先修正问题",
    Failed: "failed" / "失败",
    Connecting: "connecting" / "连接中",
    Connected: "connected" / "已连接",
    Disconnected: "disconnected" / "已断开",
    Theme: "Theme" / "主题",
    ThemeAuto: "auto" / "自动",
    ThemeDark: "dark" / "深色",
    ThemeLight: "light" / "浅色",
    LangHelp: "Language of the page / 页面语言" / "页面语言 / Language of the page",
    // Regions of the page.
    PaletteAndExamples: "Palette and examples" / "组件和示例",
    Canvas: "Canvas" / "画布",
    Inspector: "Inspector" / "检查器",
    EventLog: "Event log" / "事件日志",
    Summary: "Summary" / "汇总",
    Panels: "Panels" / "面板",
    Log: "Log" / "日志",
    // Outcomes of a run.
    OutcomeCompleted: "completed" / "已完成",
    OutcomeStopped: "stopped" / "已停止",
    OutcomeTimeLimit: "time limit reached" / "达到时间上限",
    OutcomeRefused: "refused by RabbitMQ" / "被 RabbitMQ 拒绝",
    Finished: "finished" / "已结束",
    // Palette.
    Build: "Build" / "搭建",
    Publisher: "Publisher" / "生产者",
    Exchange: "Exchange" / "交换机",
    Queue: "Queue" / "队列",
    Consumer: "Consumer" / "消费者",
    Policy: "Policy" / "策略",
    PublisherHint: "sends messages to an exchange" / "向交换机发送消息",
    ExchangeHint: "routes by type and bindings" / "按类型和绑定路由",
    QueueHint: "holds messages for consumers" / "为消费者保存消息",
    ConsumerHint: "reads one queue, acks or nacks" / "读取一个队列，ack 或 nack",
    PolicyHelp: "Add a policy: settings RabbitMQ applies to the queues or exchanges its pattern matches"
        / "添加策略：RabbitMQ 对模式匹配到的队列或交换机应用的设置",
    Undo: "↶ Undo" / "↶ 撤销",
    UndoHelp: "Undo (Ctrl+Z)" / "撤销（Ctrl+Z）",
    Redo: "↷ Redo" / "↷ 重做",
    RedoHelp: "Redo (Ctrl+Shift+Z)" / "重做（Ctrl+Shift+Z）",
    New: "New" / "新建",
    NewHelp: "Start from an empty scenario (Undo brings this one back)" / "从空场景开始（撤销可找回当前场景）",
    MyScenario: "My scenario" / "我的场景",
    Examples: "Examples" / "示例",
    // Exercises: the gallery's tab, the course's list, the task above the canvas.
    Exercises: "Exercises" / "练习",
    CourseLoading: "Loading the course…" / "正在加载课程…",
    StateNotStarted: "not started" / "未开始",
    StateTried: "tried" / "已尝试",
    StatePassed: "passed" / "已通过",
    StopsNodes: "stops nodes: needs the 3-node cluster" / "会停止节点：需要 3 节点集群",
    NotOnThisRelay: "stops nodes: not on this relay (workshop mode)" / "会停止节点：不能在此 relay 上运行（工作坊模式）",
    NoNodeFaultsHere: "This relay does not allow node faults (workshop mode): this exercise cannot run here."
        / "此 relay 不允许节点故障（工作坊模式）：这个练习无法在这里运行。",
    Check: "Check" / "检查",
    CheckHelp: "Run on the broker; the relay checks what happened (Ctrl+Enter)" / "在 broker 上运行，由 relay 检查发生了什么（Ctrl+Enter）",
    Hint: "Hint" / "提示",
    HintHelp: "Show the next hint" / "显示下一条提示",
    NoMoreHints: "No more hints" / "没有更多提示了",
    Reset: "Reset" / "重置",
    ResetHelp: "Start again from the exercise's starting scenario (Undo brings your work back)"
        / "从练习的起始场景重新开始（撤销可找回你的修改）",
    ResetNotInCourse: "This exercise is not in the course: there is no starting scenario to go back to"
        / "这个练习不在课程中：没有可以回到的起始场景",
    ShowSolution: "Show solution" / "查看答案",
    HideSolution: "Hide solution" / "隐藏答案",
    SolutionAfterCheck: "The solution can be seen after your first check" / "第一次检查之后才能查看答案",
    LoadSolution: "Load the solution" / "载入答案",
    LoadSolutionHelp: "Replace your scenario by the solution (Undo brings yours back)" / "用答案替换你的场景（撤销可找回你的场景）",
    SolutionIsYours: "Your scenario already is the solution." / "你的场景已经和答案一样了。",
    SolutionDiffers: "What the solution does differently:" / "答案的不同之处：",
    DiffAdd: "add" / "添加",
    DiffRemove: "remove" / "删除",
    DiffChange: "change" / "修改",
    Yours: "yours" / "你的",
    SolutionWord: "solution" / "答案",
    Settings: "settings" / "设置",
    Seen: "seen" / "看到",
    Expected: "expected" / "期望",
    ChecksHeading: "What the relay checked" / "relay 的检查结果",
    AllChecksPassed: "Every check passed: exercise done!" / "所有检查都通过了：练习完成！",
    LockedMark: "Locked in this exercise: " / "在本练习中已锁定：",
    LockedAll: "all of it" / "全部",
    LockedExists: "adding, removing, renaming" / "增删或改名",
    // Canvas.
    ClusterNodes: "Cluster nodes" / "集群节点",
    Up: "up" / "运行",
    Down: "down" / "宕机",
    NotRunFixFirst: "The scenario was not run. Fix these first:" / "场景没有运行。请先修正这些问题：",
    RunCouldNotGoOn: "The run could not go on: " / "运行无法继续：",
    Counting: "Many messages: counting instead of drawing" / "消息太多：只计数，不逐条绘制",
    CountingHelp: "Too many messages at once to draw each one: the counts on the edges and in the summary keep the full record."
        / "同一时刻的消息太多，无法逐条绘制：连线上和汇总中的计数保留完整记录。",
    KindPublisher: "publisher" / "生产者",
    KindExchange: "exchange" / "交换机",
    KindQueue: "queue" / "队列",
    KindConsumer: "consumer" / "消费者",
    InFlight: "in flight" / "传输中",
    Acked: "acked" / "已确认",
    Delivered: "delivered" / "已投递",
    Nacked: "nacked" / "被拒绝（nack）",
    Returned: "returned" / "被退回",
    BackedUp: "backed up (alternate exchange)" / "进入备份交换机",
    DeadLettered: "dead-lettered" / "成为死信",
    Lost: "lost" / "丢失",
    Topology: "The scenario's topology" / "场景的拓扑",
    NothingToDraw: "Nothing to draw yet: add exchanges, queues, publishers and consumers from the palette (click, or drag them here), or write the JSON."
        / "还没有可绘制的内容：从组件栏添加交换机、队列、生产者和消费者（点击，或拖到这里），或者直接编写 JSON。",
    NoSnapshotYet: "no snapshot yet" / "还没有快照",
    LeaderDown: "leader down" / "主节点宕机",
    EdgeAlternate: "alternate" / "备份",
    EdgeDlx: "dlx" / "死信",
    Leader: "leader" / "主节点",
    CancelledByRabbitMq: "cancelled by RabbitMQ" / "被 RabbitMQ 取消",
    ConsumingAgain: "consuming again" / "重新消费",
    Unsynced: "(unsynced)" / "（未同步）",
    DragToConnect: "Drag to another box to connect" / "拖到另一个方框以连接",
    RoutingKeyOfBinding: "Routing key of this binding" / "此绑定的路由键",
    RoutingKeyHelp: "Routing key (Enter to keep, Esc to leave unchanged)" / "路由键（Enter 保留，Esc 不做修改）",
    RoutingKeyPlaceholder: "routing key" / "路由键",
    Dismiss: "Dismiss" / "关闭",
    BeforeYouRun: "Before you run" / "运行之前",
    HideNotes: "Hide these notes" / "隐藏这些提示",
    // Playback.
    Playback: "Playback" / "回放",
    AnimationSpeed: "Animation speed" / "动画速度",
    SpeedHelp: "Animation speed. 1× is the page's normal pace: tokens travel at their usual speed, a burst of \
messages published in the same instant is let out over up to about 2 s so each one can be seen, and a replay goes \
through the run's time as fast as the wall clock. 0.25× to 4× slow all of that down or speed it up. Real time \
follows the run's own clock: each token leaves when its event happened, bursts leave together (beyond the token cap \
they are counted), tokens travel at the 1× speed."
        / "动画速度。1× 是页面的正常节奏：消息以平常的速度移动，同一时刻发布的一批消息会在最多约 2 秒内依次放出，\
以便逐条看清；回放按墙上时钟的速度走过运行的时间。0.25× 到 4× 让这一切变慢或变快。实时则跟随运行自己的时钟：\
每条消息在其事件发生时出发，同一批一起出发（超过上限的只计数），移动速度与 1× 相同。",
    RealTime: "real time" / "实时",
    Play: "▶ Play" / "▶ 播放",
    Pause: "❚❚ Pause" / "❚❚ 暂停",
    ResumeHelp: "Resume the animation (Space)" / "继续动画（空格）",
    PauseHelp: "Pause the animation (Space)" / "暂停动画（空格）",
    Replay: "↺ Replay" / "↺ 重放",
    ReplayHelp: "Play the recorded run again, without the broker" / "不经 broker，重新播放记录下的运行",
    RunTime: "Run time" / "运行时间",
    ScrubHelp: "Jump to a moment of the recorded run" / "跳到记录中的某一时刻",
    JumpToEnd: "⇥ End" / "⇥ 结尾",
    JumpToEndHelp: "Jump to the end: skip the rest of the animation and show the run's final numbers"
        / "跳到结尾：跳过剩下的动画，直接显示本次运行的最终数字",
    // Timeline.
    Timeline: "Timeline" / "时间线",
    ActionOfNewStep: "Action of the new step" / "新步骤的动作",
    TimeOfNewStep: "Time of the new step in milliseconds" / "新步骤的时间（毫秒）",
    TargetOfNewStep: "What the new step acts on" / "新步骤作用的对象",
    At: "at" / "于",
    Ms: "ms" / "毫秒",
    AddStep: "Add step" / "添加步骤",
    Remove: "Remove" / "删除",
    AtMs: "at (ms)" / "时间（毫秒）",
    On: "on" / "对象",
    ForMs: "for (ms)" / "持续（毫秒）",
    PolicyJson: "policy (JSON)" / "策略（JSON）",
    TimeLimitHelp: "the run's time limit" / "运行的时间上限",
    OnAStartStep: "on a start step" / "由启动步骤启动",
    NotInScenario: "not in the scenario or the cluster" / "不在场景或集群中",
    LanePolicies: "policies" / "策略",
    LaneConnections: "connections" / "连接",
    MarkerStart: "start" / "启动",
    MarkerStop: "stop" / "停止",
    MarkerPurge: "purge" / "清空",
    MarkerKill: "kill" / "杀死",
    MarkerApply: "apply" / "应用",
    MarkerClear: "clear" / "清除",
    MarkerCut: "cut" / "切断",
    ActionStartActor: "start an actor" / "启动一个参与者",
    ActionStopActor: "stop an actor" / "停止一个参与者",
    ActionPurgeQueue: "purge a queue" / "清空一个队列",
    ActionApplyPolicy: "apply a policy" / "应用一条策略",
    ActionClearPolicy: "clear a policy" / "清除一条策略",
    ActionStopNode: "stop a node" / "停止一个节点",
    ActionKillNode: "kill a node" / "杀死一个节点",
    ActionStartNode: "start a node" / "启动一个节点",
    ActionCutConnections: "cut connections" / "切断连接",
    // Inspector.
    TabAbout: "About" / "说明",
    TabEdit: "Edit" / "编辑",
    TabJson: "JSON" / "JSON",
    TabRelay: "Relay" / "Relay",
    ProblemsInJson: "Problems in the JSON" / "JSON 中的问题",
    NoDescription: "This scenario has no description." / "这个场景没有说明。",
    WhatToLookFor: "What to look for" / "看点",
    Description: "Description" / "说明",
    RunHintPress: "Press " / "按 ",
    RunHintRun: " to run it on the broker, " / " 在 broker 上运行，",
    RunHintStop: " to stop. Click a row of the event log to follow that message on the canvas."
        / " 停止。点击事件日志中的一行，可在画布上跟踪那条消息。",
    PasteFirst: "Paste a scenario's JSON first." / "请先粘贴场景的 JSON。",
    Import: "Import…" / "导入…",
    ImportFile: "Import file" / "导入文件",
    ImportFileHelp: "Load a scenario from a .json file" / "从 .json 文件载入场景",
    Export: "Export" / "导出",
    ExportHelp: "Download the scenario as a .json file" / "把场景下载为 .json 文件",
    ValidScenario: "✓ valid scenario" / "✓ 场景有效",
    PasteHere: "Paste a scenario's JSON here" / "在这里粘贴场景的 JSON",
    LoadIt: "Load it" / "载入",
    ScenarioJson: "Scenario JSON" / "场景 JSON",
    Document: "(document)" / "（整个文档）",
    // Forms.
    EditHint: "Click a box or a line on the canvas to edit it here; drag a box to move it; drag from a box's \
handle (the dot on its right) to another box to connect them. Add elements from the palette."
        / "点击画布上的方框或连线即可在这里编辑；拖动方框可以移动它；从方框的把手（右侧的圆点）拖到另一个方框即可连接。\
从组件栏添加元素。",
    ScenarioName: "Scenario name" / "场景名称",
    Policies: "Policies" / "策略",
    Delete: "Delete" / "删除",
    DeleteHelp: "Delete (Del)" / "删除（Del）",
    AllFieldsAsJson: "All fields as JSON" / "全部字段（JSON）",
    None: "(none)" / "（无）",
    DefaultExchange: "(default exchange)" / "（默认交换机）",
    Default: "(default)" / "（默认）",
    NeedsNumber: "a number is needed here" / "这里需要一个数字",
    ElementGone: "this element no longer exists" / "这个元素已不存在",
    StepGone: "this step no longer exists" / "这个步骤已不存在",
    KindBinding: "binding" / "绑定",
    KindPolicy: "policy" / "策略",
    KindStep: "timeline step" / "时间线步骤",
    FieldName: "Name" / "名称",
    FieldType: "Type" / "类型",
    FieldAlternateExchange: "Alternate exchange" / "备份交换机",
    FieldDurable: "Durable" / "持久",
    FieldInternal: "Internal" / "内部",
    FieldAutoDelete: "Auto-delete" / "自动删除",
    FieldArguments: "Arguments" / "参数",
    FieldMaxPriority: "Max priority" / "最高优先级",
    FieldMode: "Mode" / "模式",
    FieldMaxLength: "Max length" / "最大长度",
    FieldOverflow: "Overflow" / "溢出行为",
    FieldTtl: "Message TTL (ms)" / "消息 TTL（毫秒）",
    FieldDeadLetterExchange: "Dead-letter exchange" / "死信交换机",
    FieldNode: "Node (leader)" / "节点（主）",
    FieldExclusive: "Exclusive" / "排他",
    FieldExchange: "Exchange" / "交换机",
    FieldRoutingKey: "Routing key" / "路由键",
    FieldMessages: "Messages" / "消息数",
    FieldRate: "Rate (msg/s)" / "速率（条/秒）",
    FieldMandatory: "Mandatory" / "Mandatory（不可路由时退回）",
    FieldPersistent: "Persistent" / "持久化",
    FieldConfirms: "Confirms" / "发布确认",
    FieldWindow: "Window" / "窗口",
    FieldBatchSize: "Batch size" / "批大小",
    FieldPriority: "Priority" / "优先级",
    FieldEveryNth: "Every n-th" / "每第 n 条",
    FieldPriorities: "Priorities" / "优先级列表",
    FieldLowest: "Lowest" / "最低",
    FieldHighest: "Highest" / "最高",
    FieldRandomStart: "Random sequence" / "随机序列",
    FieldStarts: "Starts" / "启动",
    FieldAfter: "After" / "在此之后",
    FieldOutbox: "Outbox" / "发件箱",
    FieldRetryEvery: "Retry every (ms)" / "重试间隔（毫秒）",
    FieldBody: "Body" / "消息体",
    FieldHeaders: "Headers" / "消息头",
    FieldQueue: "Queue" / "队列",
    FieldAcks: "Acks" / "确认方式",
    FieldPrefetch: "Prefetch" / "预取",
    FieldProcessing: "Processing (ms)" / "处理时间（毫秒）",
    FieldStopAfter: "Stop after" / "处理多少条后停止",
    FieldRules: "Nack / reject rules" / "nack / reject 规则",
    FieldFromExchange: "From exchange" / "源交换机",
    FieldTo: "To" / "目标",
    FieldDestinationType: "Destination is a" / "目标类型",
    FieldPattern: "Pattern (regex)" / "模式（正则）",
    FieldAppliesTo: "Applies to" / "应用于",
    FieldDefinition: "Definition" / "定义",
    ChoiceDefault: "default" / "默认",
    ExchangeDirect: "direct" / "direct（直连）",
    ExchangeFanout: "fanout" / "fanout（广播）",
    ExchangeTopic: "topic" / "topic（主题）",
    ExchangeHeaders: "headers" / "headers（消息头）",
    QueueClassic: "classic" / "classic（经典）",
    QueueQuorum: "quorum" / "quorum（仲裁）",
    ChoiceLazy: "lazy (paged to disk)" / "lazy（换出到磁盘）",
    ChoiceDropHead: "drop head (default)" / "丢弃队首（默认）",
    ChoiceRejectPublish: "reject publish (nack)" / "拒绝发布（nack）",
    ChoiceRejectPublishDlx: "reject publish, dead-letter" / "拒绝发布并成为死信",
    ChoiceQueue: "queue" / "队列",
    ChoiceExchange: "exchange" / "交换机",
    ChoiceManual: "manual (ack each)" / "手动（逐条 ack）",
    ChoiceAuto: "auto (no ack)" / "自动（不 ack）",
    ChoiceAll: "all" / "全部",
    ChoiceQueues: "queues" / "队列",
    ChoiceExchanges: "exchanges" / "交换机",
    ChoiceStreaming: "streaming (window)" / "流式（窗口）",
    ChoiceBatch: "batch" / "批量",
    ChoiceOneAtATime: "one at a time" / "逐条",
    ChoiceOff: "off" / "关闭",
    ChoiceNone: "none" / "无",
    ChoiceFixed: "fixed" / "固定",
    ChoiceEveryNth: "every n-th" / "每第 n 条",
    ChoiceList: "list" / "列表",
    ChoiceRandom: "random" / "随机",
    ChoiceAtATime: "at a time" / "在某一时刻",
    ChoiceAfterActor: "after another actor" / "在另一个参与者之后",
    ChoiceOnStep: "on a timeline step" / "由时间线步骤启动",
    ChoiceOutbox: "outbox" / "发件箱",
    // Log.
    EventType: "Event type" / "事件类型",
    EveryType: "every type" / "全部类型",
    ActorOrQueuePlaceholder: "actor or queue" / "参与者或队列",
    ActorOrQueue: "Actor or queue" / "参与者或队列",
    MessageIdPlaceholder: "message id" / "消息 id",
    MessageId: "Message id" / "消息 id",
    ColTime: "time" / "时间",
    ColType: "type" / "类型",
    ColActor: "actor" / "参与者",
    ColId: "id" / "编号",
    ColDetails: "details" / "详情",
    LogEmpty: "Every event of the run appears here, in order, as the relay observed it."
        / "运行中的每个事件都会按 relay 观察到的顺序显示在这里。",
    // Summary.
    RunSummary: "Run summary" / "运行汇总",
    Live: "Live" / "实时",
    Published: "published" / "已发布",
    Duplicates: "duplicates" / "重复",
    Returns: "returns" / "退回",
    Unconfirmed: "unconfirmed" / "未确认",
    RePublished: "re-published" / "重新发布",
    LostIds: "lost ids" / "丢失的 id",
    LeftInQueues: "left in queues" / "留在队列中",
    SummaryDiffers: "The relay's summary differs from the one this page folded from the events."
        / "relay 的汇总与本页根据事件统计出的汇总不一致。",
    SummaryLater: "The full summary, with what was lost, comes when the run and its animation end."
        / "运行和动画都结束后会给出完整的汇总，包括丢失了什么。",
    Playing: "playing" / "播放中",
    SummaryBefore: "Run the scenario to see what happened to every message: published, acked, nacked, returned, delivered per queue, lost, duplicated, or left in a queue."
        / "运行场景，看看每条消息的结果：已发布、已确认、被 nack、被退回、按队列统计的投递、丢失、重复，或留在队列中。",
    // Plot.
    PlotCaption: "Queue depth (ready + unacked) over the run" / "运行期间的队列深度（ready + unacked）",
    PlotLabel: "Queue depth over time" / "队列深度随时间的变化",
    PagedOut: "paged out ┄" / "换出到磁盘 ┄",
    ReadyKey: "ready ┈" / "ready（就绪）┈",
    // Share.
    LinkToScenario: "Link to this scenario" / "指向此场景的链接",
    FixJsonForLink: "Fix the JSON to get a link" / "修正 JSON 后才能得到链接",
    CopyLink: "Copy link" / "复制链接",
    CopyLinkHelp: "Copy a link that opens this scenario" / "复制一个能打开此场景的链接",
    LinkCopied: "Link copied" / "链接已复制",
    PressCtrlC: "Press Ctrl+C to copy the selected link" / "按 Ctrl+C 复制选中的链接",
    // Relay tab.
    Reconnect: "Reconnect" / "重新连接",
    NeedsRelay: "Nothing to show yet: this page needs the relay. Start it with "
        / "还没有可显示的内容：本页需要 relay。启动命令：",
    FullStop: "." / "。",
    WaitingForHello: "Waiting for the relay to say hello…" / "正在等待 relay 打招呼…",
    MatchesPage: "matches this page" / "与本页一致",
    NoBroker: "The relay reported no broker." / "relay 没有报告 broker。",
    Version: "Version" / "版本",
    Protocol: "Protocol" / "协议",
    AsOfLastConnection: "As of the last connection." / "截至上次连接时。",
    Broker: "Broker" / "Broker",
    LimitsPerScenario: "Limits per scenario" / "每个场景的上限",
    Cluster: "Cluster" / "集群",
    Nodes: "Nodes" / "节点",
    Running: "running" / "运行中",
    LimitExchanges: "Exchanges" / "交换机",
    LimitQueues: "Queues" / "队列",
    LimitBindings: "Bindings" / "绑定",
    LimitPolicies: "Policies" / "策略",
    LimitActors: "Publishers and consumers" / "生产者和消费者",
    LimitSteps: "Timeline steps" / "时间线步骤",
    LimitMessages: "Messages per run" / "每次运行的消息数",
    LimitRunTime: "Run time" / "运行时间",
    LimitBody: "Message body" / "消息体",
    // The canvas's tags: a whole tag, or each of its words (see `tag`).
    TagRoutesByQueueName: "routes by queue name" / "按队列名路由",
    TagNoConfirms: "no confirms" / "无确认",
    TagConfirms: "confirms" / "确认",
    TagMsg: "msg" / "条消息",
    TagMandatory: "mandatory" / "mandatory 回退",
    TagOutbox: "outbox" / "发件箱",
    TagAutoAck: "auto ack" / "自动确认",
    TagManualAck: "manual ack" / "手动确认",
    TagPrefetch: "prefetch" / "预取",
    TagRules: "rules" / "规则",
    TagBuiltIn: "built-in" / "内置",
    TagInternal: "internal" / "内部",
    TagAe: "AE" / "备份交换机",
    TagDlx: "DLX" / "死信交换机",
    TagClassic: "classic" / "经典",
    TagQuorum: "quorum" / "仲裁",
    TagStream: "stream" / "流",
    TagLazy: "lazy" / "惰性",
    TagOn: "on" / "位于",
    TagMaxLength: "max-length" / "最大长度",
    TagMaxPriority: "max-priority" / "最高优先级",
    // Notices the page writes, stored in English where they arise and shown through `notice`;
    // an entry ending in a space or a colon is the start of a sentence that goes on.
    Locked: "the scenario cannot change during a run; stop it first" / "运行期间不能修改场景；请先停止运行",
    ImportDuringRun: "a run is going on; import after it ends" / "正在运行；请在运行结束后再导入",
    AttemptReadOnly: "this is a learner's attempt, shown read-only; open another scenario to edit"
        / "这是学员的一次尝试，只读显示；打开其他场景即可编辑",
    NotConnected: "not connected to the relay" / "没有连接到 relay",
    NameEmpty: "a name cannot be empty" / "名称不能为空",
    NameTaken: "there is already one named " / "已经有同名的元素：",
    NoPublisherNamed: "there is no publisher named " / "没有这个名字的生产者：",
    NoConsumerNamed: "there is no consumer named " / "没有这个名字的消费者：",
    DefaultExchangeUnbindable: "the default exchange cannot be bound: it routes to the queue named by the routing key"
        / "默认交换机不能绑定：它把消息路由到与路由键同名的队列",
    SelfBinding: "an exchange cannot be bound to itself" / "交换机不能绑定到自己",
    FixJsonFirst: "fix the scenario's JSON first: it does not parse as a scenario" / "请先修正场景的 JSON：它无法解析为场景",
    CannotWriteJson: "the changed scenario cannot be written as JSON: " / "修改后的场景无法写成 JSON：",
    NotJsonYet: "this is not JSON yet: " / "这还不是 JSON：",
    FieldNotJsonYet: "not JSON yet: " / "还不是 JSON：",
    NotJson: "this is not JSON " / "这不是 JSON ",
    NotAScenario: "this is not a Warren scenario: " / "这不是 Warren 场景：",
    LinkNotOpened: "This link could not be opened: " / "无法打开这个链接：",
    CouldNotReachRelay: "could not reach the relay at " / "无法连接到 relay：",
    ConnectionToRelayLost: "the connection to the relay was lost" / "与 relay 的连接断开了",
    RelayWentAway: "the relay went away" / "relay 已离开",
    RelayClosedConnection: "the relay closed the connection" / "relay 关闭了连接",
    CouldNotOpenSocket: "could not open a WebSocket to " / "无法打开 WebSocket：",
    CouldNotReadMessage: "could not read a message from the relay: " / "无法读取 relay 发来的消息：",
    StepNoLongerCuts: "this step no longer cuts connections" / "这个步骤已不再切断连接",
    StepNoLongerApplies: "this step no longer applies a policy" / "这个步骤已不再应用策略",
    PolicyNotValid: "the policy is not valid: " / "策略无效：",
    LockedInExercise: "locked in this exercise (its checks count on it): " / "在本练习中已锁定（检查依赖它）：",
    CourseNotLoaded: "could not load the course: " / "无法加载课程：",
    ExerciseUnreadable: "this exercise cannot be read: " / "无法读取这个练习：",
    PartMissing: "This part of the page could not be loaded from the relay. Reload the page to go on; copy the link first if you changed the scenario."
        / "无法从 relay 加载页面的这一部分。请重新加载页面；如果修改过场景，请先复制链接。",
    UnknownError: "an unknown error" / "未知错误",
    PageStopped: "Warren's page stopped working: " / "Warren 页面停止工作：",
    ReloadToGoOn: ". Reload the page to go on; copy the link first if you changed the scenario since you last shared it."
        / "。请重新加载页面继续；如果上次分享之后改过场景，请先复制链接。",
    // Event types, as the log shows them.
    EvRunStarted: "run started" / "运行开始",
    EvDeclared: "declared" / "已声明",
    EvRefused: "refused" / "被拒绝",
    EvWarning: "warning" / "警告",
    EvActorStarted: "started" / "已启动",
    EvActorStopped: "stopped" / "已停止",
    EvStepExecuted: "step" / "步骤",
    EvPublished: "published" / "已发布",
    EvConfirmed: "confirmed" / "已确认",
    EvAcked: "acked" / "已确认（ack）",
    EvNacked: "nacked" / "被拒绝（nack）",
    EvReturned: "returned" / "被退回",
    EvPublishFailed: "publish failed" / "发布失败",
    EvDelivered: "delivered" / "已投递",
    EvSettled: "settled" / "已处理",
    EvDeadLettered: "dead-lettered" / "成为死信",
    EvQueueSnapshot: "queue snapshot" / "队列快照",
    EvLeftInQueue: "left in queue" / "留在队列中",
    EvNodeFault: "node fault" / "节点故障",
    EvNodeStopped: "node stopped" / "节点已停止",
    EvNodeKilled: "node killed" / "节点被杀死",
    EvNodeStarted: "node started" / "节点已启动",
    EvNodesChanged: "nodes changed" / "节点变化",
    EvConnectionsCut: "connections cut" / "连接被切断",
    EvConnectionLost: "connection lost" / "连接丢失",
    EvConnectionClosed: "connection closed" / "连接已关闭",
    EvConnectionRecovered: "connection recovered" / "连接已恢复",
    EvChannelClosed: "channel closed" / "信道已关闭",
    EvConsumerCancelled: "consumer cancelled" / "消费者被取消",
    EvReconsumed: "consuming again" / "重新消费",
    EvQueueUnavailable: "queue unavailable" / "队列不可用",
    EvBuffered: "buffered" / "已缓存",
    EvRetried: "retried" / "已重试",
    EvRecovered: "recovered" / "已恢复",
    EvQueuePurged: "queue purged" / "队列已清空",
    EvRunFinished: "run finished" / "运行结束",
    // Words inside the log's details.
    Key: "key" / "路由键",
    PriorityWord: "priority" / "优先级",
    PersistentWord: "persistent" / "持久化",
    Redelivered: "redelivered" / "重新投递",
    Requeue: "requeue" / "重新入队",
    From: "from" / "来自",
    Via: "via" / "经由",
}

/// Entries written the same in both languages on purpose: names kept in Latin letters, as the
/// Chinese RabbitMQ documentation keeps them (JSON, the relay, the broker).
pub const SAME_IN_BOTH: &[Text] = &[Text::TabJson, Text::TabRelay, Text::Broker];

/// The words of the canvas's tags, found by their English.
pub const TAGS: &[Text] = &[
    Text::TagRoutesByQueueName,
    Text::TagNoConfirms,
    Text::TagConfirms,
    Text::TagMsg,
    Text::TagMandatory,
    Text::TagOutbox,
    Text::TagAutoAck,
    Text::TagManualAck,
    Text::TagPrefetch,
    Text::TagRules,
    Text::TagBuiltIn,
    Text::TagInternal,
    Text::TagAe,
    Text::TagDlx,
    Text::TagClassic,
    Text::TagQuorum,
    Text::TagStream,
    Text::TagLazy,
    Text::TagOn,
    Text::TagMaxLength,
    Text::TagMaxPriority,
];

/// A tag of the canvas (`max-length 10`, `manual ack`) in `lang`: the whole tag from [`TAGS`],
/// else word by word; names, numbers and RabbitMQ's own values (`reject-publish`, `direct`)
/// stay as they are.
pub fn tag(text: &str, lang: Lang) -> String {
    let word = |w: &str| TAGS.iter().find(|t| t.text(Lang::En) == w).map(|t| t.text(lang));
    match (lang, word(text)) {
        (Lang::En, _) => text.to_owned(),
        (Lang::Zh, Some(zh)) => zh.to_owned(),
        (Lang::Zh, None) => text
            .split(' ')
            .map(|w| word(w).unwrap_or(w))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The notices the page writes (see [`notice`]).
pub const NOTICES: &[Text] = &[
    Text::Locked,
    Text::ImportDuringRun,
    Text::AttemptReadOnly,
    Text::NotConnected,
    Text::NameEmpty,
    Text::NameTaken,
    Text::NoPublisherNamed,
    Text::NoConsumerNamed,
    Text::DefaultExchangeUnbindable,
    Text::SelfBinding,
    Text::FixJsonFirst,
    Text::CannotWriteJson,
    Text::NotJsonYet,
    Text::FieldNotJsonYet,
    Text::NotJson,
    Text::NotAScenario,
    Text::CouldNotReachRelay,
    Text::ConnectionToRelayLost,
    Text::RelayWentAway,
    Text::RelayClosedConnection,
    Text::CouldNotOpenSocket,
    Text::CouldNotReadMessage,
    Text::StepNoLongerCuts,
    Text::StepNoLongerApplies,
    Text::PolicyNotValid,
    Text::ElementGone,
    Text::StepGone,
    Text::NeedsNumber,
    Text::LockedInExercise,
    Text::CourseNotLoaded,
    Text::ExerciseUnreadable,
];

/// A notice the page wrote in English (an edit refused, a link that did not open, why the relay
/// is unreachable, a problem of the scenario, what the relay said), in `lang`: the longest of
/// [`NOTICES`] it starts with is said in `lang`, and what follows (names, the broker's or the
/// browser's words) stays as it is unless it is a sentence [`super::sentences`] knows; a notice
/// that starts with none of them is said by [`super::sentences`] when it knows it.
pub fn notice(message: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return message.to_owned();
    }
    NOTICES
        .iter()
        .map(|t| (t, t.text(Lang::En)))
        .filter(|(_, en)| message.starts_with(en))
        .max_by_key(|(_, en)| en.len())
        .map_or_else(
            || super::sentences::say(message, lang),
            |(t, en)| {
                format!(
                    "{}{}",
                    t.text(lang),
                    super::sentences::say_rest(&message[en.len()..], lang)
                )
            },
        )
}

/// How a run ended, in words.
pub fn outcome(outcome: Outcome) -> Text {
    match outcome {
        Outcome::Completed => Text::OutcomeCompleted,
        Outcome::Stopped => Text::OutcomeStopped,
        Outcome::TimeLimit => Text::OutcomeTimeLimit,
        Outcome::Refused => Text::OutcomeRefused,
        Outcome::Failed => Text::Failed,
    }
}

/// A label the layout writes in English on the canvas (the default exchange's name, an
/// alternate or dead-letter edge's word), in `lang`; names pass through unchanged.
pub fn canvas_label(label: &str, lang: Lang) -> String {
    [Text::DefaultExchange, Text::EdgeAlternate, Text::EdgeDlx]
        .into_iter()
        .find(|t| t.text(Lang::En) == label)
        .map_or_else(|| label.to_owned(), |t| t.text(lang).to_owned())
}

/// The word for an event type by its wire name (`node_fault`), as the log's filter lists it.
pub fn event_type(name: &str) -> Option<Text> {
    Some(match name {
        "run_started" => Text::EvRunStarted,
        "declared" => Text::EvDeclared,
        "refused" => Text::EvRefused,
        "warning" => Text::EvWarning,
        "actor_started" => Text::EvActorStarted,
        "actor_stopped" => Text::EvActorStopped,
        "step_executed" => Text::EvStepExecuted,
        "published" => Text::EvPublished,
        "confirmed" => Text::EvConfirmed,
        "returned" => Text::EvReturned,
        "publish_failed" => Text::EvPublishFailed,
        "delivered" => Text::EvDelivered,
        "settled" => Text::EvSettled,
        "dead_lettered" => Text::EvDeadLettered,
        "queue_snapshot" => Text::EvQueueSnapshot,
        "left_in_queue" => Text::EvLeftInQueue,
        "node_fault" => Text::EvNodeFault,
        "nodes_changed" => Text::EvNodesChanged,
        "connections_cut" => Text::EvConnectionsCut,
        "connection_lost" => Text::EvConnectionLost,
        "connection_closed" => Text::EvConnectionClosed,
        "connection_recovered" => Text::EvConnectionRecovered,
        "channel_closed" => Text::EvChannelClosed,
        "consumer_cancelled" => Text::EvConsumerCancelled,
        "reconsumed" => Text::EvReconsumed,
        "queue_unavailable" => Text::EvQueueUnavailable,
        "buffered" => Text::EvBuffered,
        "retried" => Text::EvRetried,
        "recovered" => Text::EvRecovered,
        "queue_purged" => Text::EvQueuePurged,
        "run_finished" => Text::EvRunFinished,
        _ => return None,
    })
}

/// The word for one event in the log's type column: its type, said more exactly where the
/// event says more (a node fault's action, a confirm's ack or nack).
pub fn event_word(kind: &EventKind) -> Text {
    match kind {
        EventKind::NodeFault { action, .. } => match action {
            NodeAction::Stop => Text::EvNodeStopped,
            NodeAction::Kill => Text::EvNodeKilled,
            NodeAction::Start => Text::EvNodeStarted,
        },
        EventKind::Confirmed { ack, .. } => {
            if *ack {
                Text::EvAcked
            } else {
                Text::EvNacked
            }
        }
        other => event_type(other.name()).unwrap_or(Text::EvWarning),
    }
}

/// `a` or `an` before an English word.
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

/// The palette's tooltip for adding a `kind` (its name in the text, `hint` what it does).
pub fn add_help(kind: Text, hint: Text, lang: Lang) -> String {
    match lang {
        Lang::En => {
            let name = kind.text(Lang::En).to_lowercase();
            format!(
                "Add {} {name}: {}. Click, or drag it onto the canvas.",
                article(&name),
                hint.text(lang)
            )
        }
        Lang::Zh => format!("添加{}：{}。点击，或拖到画布上。", kind.text(lang), hint.text(lang)),
    }
}

/// `12 events` or `3 of 12 events` (counts already written out).
pub fn event_count(shown: &str, all: &str, filtered: bool, lang: Lang) -> String {
    match (lang, filtered) {
        (Lang::En, false) => format!("{all} events"),
        (Lang::En, true) => format!("{shown} of {all} events"),
        (Lang::Zh, false) => format!("{all} 个事件"),
        (Lang::Zh, true) => format!("{shown} / {all} 个事件"),
    }
}

/// `… 3 more` after the first lost ids.
pub fn more(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!(" … {n} more"),
        Lang::Zh => format!(" … 另有 {n} 个"),
    }
}

/// `n problem(s)` in the JSON tab.
pub fn problems(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{n} problem(s)"),
        Lang::Zh => format!("{n} 个问题"),
    }
}

/// The About tab's notice of problems.
pub fn about_problems(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("This scenario has {n} problem(s) for this relay; the JSON tab lists them."),
        Lang::Zh => format!("这个场景对此 relay 有 {n} 个问题；JSON 标签页列出了它们。"),
    }
}

/// The About tab's line of what the scenario holds.
pub fn shape(counts: [usize; 5], messages: &str, lang: Lang) -> String {
    let [p, e, q, b, c] = counts;
    match lang {
        Lang::En => format!(
            "{p} publisher(s) · {e} exchange(s) · {q} queue(s) · {b} binding(s) · {c} consumer(s) · {messages} message(s)"
        ),
        Lang::Zh => format!("{p} 个生产者 · {e} 个交换机 · {q} 个队列 · {b} 个绑定 · {c} 个消费者 · {messages} 条消息"),
    }
}

/// Why an import failed (the error stays as it is).
pub fn import_failed(error: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Import failed: {error}"),
        Lang::Zh => format!("导入失败：{error}"),
    }
}

/// Why an export failed (the error stays as it is).
pub fn export_failed(error: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Export failed: {error}"),
        Lang::Zh => format!("导出失败：{error}"),
    }
}

/// The timeline's count of steps.
pub fn steps(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 step".to_owned(),
        (Lang::En, n) => format!("{n} steps"),
        (Lang::Zh, n) => format!("{n} 个步骤"),
    }
}

/// `Step 2: stop node` in the step form.
pub fn step_title(number: usize, action: Text, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Step {number}: {}", action.text(lang)),
        Lang::Zh => format!("步骤 {number}：{}", action.text(lang)),
    }
}

/// A marker's tooltip: `stop at 3 s (drag to move, Delete removes)`.
pub fn marker_help(label: &str, at: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{label} at {at} (drag to move, Delete removes)"),
        Lang::Zh => format!("{label}，于 {at}（拖动可移动，Delete 删除）"),
    }
}

/// `starts at 2 s` on a lane.
pub fn starts_at(at: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("starts at {at}"),
        Lang::Zh => format!("于 {at} 启动"),
    }
}

/// `after producer` on a lane.
pub fn after(actor: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("after {actor}"),
        Lang::Zh => format!("在 {actor} 之后"),
    }
}

/// The share link's tooltip: how long it is.
pub fn characters(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{n} characters"),
        Lang::Zh => format!("{n} 个字符"),
    }
}

/// `peak 40` in the plot's legend.
pub fn peak(n: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("peak {n}"),
        Lang::Zh => format!("峰值 {n}"),
    }
}

/// `received 12` under a consumer.
pub fn received(n: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("received {n}"),
        Lang::Zh => format!("已收到 {n}"),
    }
}

/// `3 redelivered` under a consumer: deliveries it had seen before.
pub fn redelivered(n: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{n} redelivered"),
        Lang::Zh => format!("{n} 条重新投递"),
    }
}

/// `closed: 406 PRECONDITION_FAILED` under an actor (the broker's words stay).
pub fn closed(words: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("closed: {words}"),
        Lang::Zh => format!("已关闭：{words}"),
    }
}

/// `on warren-2` under a queue.
pub fn on_node(node: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("on {node}"),
        Lang::Zh => format!("位于 {node}"),
    }
}

/// ` · mirrors a,b` under a queue.
pub fn mirrors(nodes: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(" · mirrors {nodes}"),
        Lang::Zh => format!(" · 镜像 {nodes}"),
    }
}

/// ` · 2/3 members up` under a quorum queue.
pub fn members_up(online: usize, members: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!(" · {online}/{members} members up"),
        Lang::Zh => format!(" · {online}/{members} 个成员在线"),
    }
}

/// The protocol badge when the relay's protocol differs.
pub fn expects_protocol(version: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("this page expects {version}"),
        Lang::Zh => format!("本页需要 {version}"),
    }
}

/// `2 of 3 checks passed` over an exercise's results.
pub fn checks_passed(passed: usize, total: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{passed} of {total} checks passed"),
        Lang::Zh => format!("{total} 项检查通过了 {passed} 项"),
    }
}

/// `3 of 12 passed` under the course's progress bar.
pub fn course_progress(passed: usize, total: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{passed} of {total} passed"),
        Lang::Zh => format!("已通过 {passed} / {total}"),
    }
}

/// A check result's tooltip: clicking it shows the paths of its `n` messages.
pub fn show_messages(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Show the paths of these {n} messages on the canvas"),
        Lang::Zh => format!("在画布上显示这 {n} 条消息的路径"),
    }
}

/// `Exercise 3 of 12` above the task.
pub fn exercise_number(n: usize, total: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Exercise {n} of {total}"),
        Lang::Zh => format!("练习 {n} / {total}"),
    }
}

/// What a padlock on an element says: `Locked in this exercise: count, routing_key`.
pub fn locked(lock: &crate::model::exercise::locks::Lock, lang: Lang) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if lock.whole {
        parts.push(Text::LockedAll.text(lang));
    } else {
        if lock.exists {
            parts.push(Text::LockedExists.text(lang));
        }
        parts.extend(lock.fields.iter().map(String::as_str));
    }
    let comma = if lang == Lang::Zh { "、" } else { ", " };
    format!("{}{}", Text::LockedMark.text(lang), parts.join(comma))
}

/// `waiting for a free slot: 3rd in line, about 12 s`.
pub fn waiting(position: u64, estimated_wait_ms: u64, lang: Lang) -> String {
    let seconds = estimated_wait_ms.div_ceil(1000).max(1);
    match lang {
        Lang::En => {
            let suffix = match (position % 10, position % 100) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            };
            let wait = if seconds < 90 {
                format!("about {seconds} s")
            } else {
                format!("about {} min", seconds.div_ceil(60))
            };
            format!("waiting for a free slot: {position}{suffix} in line, {wait}")
        }
        Lang::Zh => {
            let wait = if seconds < 90 {
                format!("约 {seconds} 秒")
            } else {
                format!("约 {} 分钟", seconds.div_ceil(60))
            };
            format!("等待空闲名额：排第 {position} 位，{wait}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_written_in_both_languages() {
        for text in Text::ALL {
            let (en, zh) = (text.text(Lang::En), text.text(Lang::Zh));
            assert!(!en.trim().is_empty(), "{text:?} has no English");
            assert!(!zh.trim().is_empty(), "{text:?} has no Chinese");
            if SAME_IN_BOTH.contains(text) {
                assert_eq!(en, zh, "{text:?} is listed as the same in both");
            } else {
                assert_ne!(en, zh, "{text:?} is not translated");
            }
        }
    }

    #[test]
    fn no_text_says_seed_and_articles_agree() {
        for text in Text::ALL {
            assert!(!text.text(Lang::En).to_lowercase().contains("seed"), "{text:?}");
        }
        assert_eq!(
            add_help(Text::Exchange, Text::ExchangeHint, Lang::En),
            "Add an exchange: routes by type and bindings. Click, or drag it onto the canvas."
        );
        assert!(add_help(Text::Queue, Text::QueueHint, Lang::En).starts_with("Add a queue:"));
    }

    #[test]
    fn tags_in_chinese() {
        assert_eq!(tag("max-length 10", Lang::Zh), "最大长度 10");
        assert_eq!(tag("max-length 10", Lang::En), "max-length 10");
        assert_eq!(tag("no confirms", Lang::Zh), "无确认");
        assert_eq!(tag("reject-publish", Lang::Zh), "reject-publish");
        assert_eq!(tag("DLX dead-letters", Lang::Zh), "死信交换机 dead-letters");
    }

    #[test]
    fn notices_are_said_in_chinese_with_their_names() {
        assert_eq!(
            notice(Text::Locked.text(Lang::En), Lang::Zh),
            Text::Locked.text(Lang::Zh)
        );
        assert_eq!(
            notice("there is no publisher named p1", Lang::Zh),
            "没有这个名字的生产者：p1"
        );
        assert_eq!(
            notice("the connection to the relay was lost (close code 1006)", Lang::Zh),
            "与 relay 的连接断开了 (close code 1006)"
        );
        assert_eq!(notice("something else", Lang::Zh), "something else");
        assert_eq!(notice("a name cannot be empty", Lang::En), "a name cannot be empty");
    }

    #[test]
    fn every_event_type_has_words() {
        for name in EventKind::NAMES {
            assert!(event_type(name).is_some(), "{name} has no words");
        }
    }

    #[test]
    fn the_waiting_text_in_chinese() {
        assert_eq!(waiting(1, 200, Lang::Zh), "等待空闲名额：排第 1 位，约 1 秒");
        assert_eq!(waiting(4, 95_000, Lang::Zh), "等待空闲名额：排第 4 位，约 2 分钟");
    }
}
