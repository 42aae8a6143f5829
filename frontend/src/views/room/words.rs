//! The room's own words, in English and Chinese: the room's pages alone use them, so the first
//! load carries none of them.
//!
//! The release page (the `split` feature) fetches them from `room-words.json` beside the page when
//! the room's part loads ([`load`]); `cargo xtask build-frontend` writes that file from the table
//! below with [`to_json`] (the frontend's `room-words` example), so it cannot drift from it. Every
//! other build keeps the table inside.

use crate::i18n::Lang;

/// The file's name, next to `index.html`.
pub const FILE: &str = "room-words.json";

macro_rules! words {
    ($($name:ident = $en:literal, $zh:literal;)*) => {
        /// A text of the room's pages; each says what its English text says.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum W {
            $($name,)*
        }

        impl W {
            /// Every text, in the order of the file.
            pub const ALL: &[Self] = &[$(Self::$name,)*];
        }

        /// `(English, Chinese)` of every text, in the order of [`W::ALL`].
        #[cfg(not(feature = "split"))]
        const TABLE: &[(&str, &str)] = &[$(($en, $zh),)*];
    };
}

impl W {
    /// The text in `lang` (empty before [`load`] has brought the release page its words).
    pub fn text(self, lang: Lang) -> &'static str {
        let at = self as usize;
        #[cfg(not(feature = "split"))]
        let pair = TABLE.get(at).copied();
        #[cfg(feature = "split")]
        let pair = LOADED.with(|loaded| loaded.get().and_then(|table| table.get(at).copied()));
        let (en, zh) = pair.unwrap_or_default();
        match lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

#[cfg(feature = "split")]
thread_local! {
    /// The words, once fetched: kept for the page's life.
    static LOADED: std::cell::OnceCell<&'static [(&'static str, &'static str)]> = const { std::cell::OnceCell::new() };
}

/// Bring the words, unless they are here; why not, in words.
pub async fn load() -> Result<(), String> {
    #[cfg(feature = "split")]
    {
        if LOADED.with(|loaded| loaded.get().is_some()) {
            return Ok(());
        }
        let text = crate::fetch::text(FILE, "the room's words").await?;
        let table = from_json(&text)?;
        if table.len() != W::ALL.len() {
            return Err(format!(
                "could not load the room's words: {FILE} has {} of {}; reload the page",
                table.len(),
                W::ALL.len()
            ));
        }
        let table: Vec<(&'static str, &'static str)> =
            table.into_iter().map(|(en, zh)| (&*en.leak(), &*zh.leak())).collect();
        let table: &'static [(&'static str, &'static str)] = table.leak();
        LOADED.with(|loaded| {
            let _ = loaded.set(table);
        });
    }
    Ok(())
}

/// The words as [`FILE`] holds them: `[["English", "Chinese"], ...]` in the order of [`W::ALL`].
#[cfg(not(feature = "split"))]
pub fn to_json() -> String {
    serde_json::to_string(TABLE).unwrap_or_default()
}

/// Read [`FILE`]'s JSON; what is wrong with it, in words.
pub fn from_json(text: &str) -> Result<Vec<(String, String)>, String> {
    serde_json::from_str(text).map_err(|e| format!("could not load the room's words: {FILE}: {e}"))
}

words! {
    Room = "Room", "房间";
    JoinTitle = "Join the workshop room", "加入工作坊房间";
    JoinWhy = "Pick the name the instructor will see next to your progress. Only you can take this seat again: this browser keeps its key.",
        "请输入讲师在进度表上看到的名字。只有你能回到这个座位：本浏览器会保存它的密钥。";
    YourName = "Your name", "你的名字";
    Join = "Join", "加入";
    Joining = "Joining…", "正在加入…";
    You = "You", "你";
    Leave = "Leave", "离开";
    LeaveHelp = "Forget this seat in this browser (your results stay with the instructor)",
        "在本浏览器中忘掉这个座位（你的成绩仍保留在讲师那里）";
    Now = "now", "当前";
    RoomClosed = "The instructor has closed this room: your runs are no longer recorded, and your results are kept.",
        "讲师已关闭此房间：你的运行不再被记录，已有成绩会保留。";
    MovedOn = "The instructor moved the room on to", "讲师已将房间推进到";
    Pushed = "The instructor sent you a scenario:", "讲师给你发送了一个场景：";
    Open = "Open", "打开";
    OpenHelp = "Open it on the canvas (Undo brings your work back)", "在画布上打开（撤销可恢复你的工作）";
    Dismiss = "Dismiss", "关闭";
    Refused = "The relay refused:", "中继拒绝了：";
    TryAgainIn = "try again in", "请稍后重试：";
    Attempts = "attempts", "次尝试";
    Passed = "passed", "已通过";
    Trying = "trying", "尝试中";
    Failed = "failed", "未通过";
    NotStarted = "not started", "未开始";
    Stuck = "stuck", "卡住了";
    StuckFailed = "several failed attempts and no pass", "多次失败且未通过";
    StuckLong = "a long time on it and no pass", "花了很长时间仍未通过";
    NoSolutionHere = "The instructor does not show solutions in this room.", "讲师在此房间不提供答案。";
    SolutionAfter = "The instructor shows the solution after this many attempts:", "讲师在以下尝试次数之后提供答案：";
    SolutionComing = "The solution is on its way from the relay.", "答案正在从中继送来。";
    FaultsForDemos = "This exercise stops nodes: in this room only the instructor runs it, as a demo.",
        "此练习会停止节点：在此房间里只有讲师以演示方式运行它。";
    Workshop = "Workshop", "工作坊";
    Rooms = "Rooms", "房间";
    NoRooms = "No room yet: create one for your course.", "还没有房间：为你的课程创建一个。";
    NewRoom = "New room", "新建房间";
    ShowCanvas = "Canvas", "画布";
    ShowCanvasHelp = "Hide the dashboard and show the canvas (the grid stays live)", "隐藏仪表板并显示画布（进度表仍实时更新）";
    Dashboard = "Room dashboard", "房间仪表板";
    Title = "Title", "标题";
    Exercises = "Exercises", "练习";
    Upload = "Your own exercise files", "你自己的练习文件";
    UploadHelp = "Scenario files with an exercise, checked by the relay", "带练习的场景文件，由中继检查";
    Remove = "Remove", "移除";
    Solutions = "Solutions", "答案";
    SolutionsNever = "never", "从不";
    SolutionsAfter = "after attempts", "若干次尝试后";
    SolutionsAlways = "always", "始终";
    NodeFaults = "Exercises that stop nodes", "会停止节点的练习";
    FaultsDemos = "my demos only", "仅我的演示";
    FaultsLearners = "learners run them too", "学员也可运行";
    FaultsWarning = "they stop nodes of the cluster everyone's runs use", "它们会停止所有人运行所用集群的节点";
    Create = "Create the room", "创建房间";
    Cancel = "Cancel", "取消";
    StopsNodes = "stops nodes", "停止节点";
    JoinAt = "Join at", "加入地址";
    Code = "Code", "房间码";
    LanHint = "Learners on other machines cannot open this address. Start Warren with --listen 0.0.0.0:8080 and open this page by the machine's network address.",
        "其他机器上的学员无法打开这个地址。请用 --listen 0.0.0.0:8080 启动 Warren，并通过本机的网络地址打开此页面。";
    Learners = "learners", "名学员";
    Current = "Current exercise", "当前练习";
    Next = "Next exercise", "下一个练习";
    SendToAll = "Send my canvas to everyone", "把我的画布发给所有人";
    SendToAllHelp = "Every learner in the room is offered the scenario on your canvas", "房间里的每位学员都会收到你画布上的场景";
    SentTo = "Sent to learner pages:", "已发送到学员页面：";
    Results = "Results (CSV)", "成绩（CSV）";
    Close = "Close the room", "关闭房间";
    CloseConfirm = "Close this room? Nobody can join it any more and runs are no longer recorded; the results stay.",
        "关闭此房间？之后无人能加入，运行也不再记录；成绩会保留。";
    Closed = "closed", "已关闭";
    Learner = "Learner", "学员";
    NobodyYet = "Nobody has joined yet. Put the link and the code on the screen.", "还没有人加入。请把链接和房间码投到屏幕上。";
    PassedOf = "passed", "通过";
    StuckCount = "stuck", "卡住";
    After = "after", "第";
    AttemptNo = "attempt", "次尝试";
    Viewing = "Read-only: the attempt of", "只读：学员的尝试：";
    BackToRoom = "Back to the room", "返回房间";
    Forget = "Forget the token", "忘掉令牌";
    NotTheInstructor = "The relay did not accept the instructor's token:", "中继不接受讲师令牌：";
    Updated = "live", "实时";
    NoWorkshop = "This relay serves no workshop: start it with warren serve --workshop.", "此中继没有开启工作坊：请用 warren serve --workshop 启动。";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_holds_every_word_in_order() {
        let table = from_json(&to_json()).expect("readable");
        assert_eq!(table.len(), W::ALL.len());
        assert_eq!(table[W::Join as usize].0, W::Join.text(Lang::En));
        assert_eq!(table[W::Join as usize].1, W::Join.text(Lang::Zh));
    }

    #[test]
    fn every_word_is_said_in_both_languages() {
        for word in W::ALL {
            assert!(!word.text(Lang::En).is_empty(), "{word:?} in English");
            assert!(!word.text(Lang::Zh).is_empty(), "{word:?} in Chinese");
            assert_ne!(word.text(Lang::En), word.text(Lang::Zh), "{word:?} is translated");
        }
    }
}
