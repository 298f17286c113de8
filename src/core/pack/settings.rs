//! The pack's thresholds and grammar word lists (`[settings]`), with defaults.

/// The pack's thresholds and grammar word lists (`[settings]`).
///
/// A plain value: the loader checks each number's range where it is written
/// and the engine only reads it, so its fields stay public.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Language code, informational.
    pub language: String,
    /// A message scoring at or above this is hostile on its own.
    pub hostile_threshold: f32,
    /// Weight multiplier when a negation precedes a phrase.
    pub negation_factor: f32,
    /// Weight multiplier for a targeted phrase that is not aimed at a person.
    pub untargeted_factor: f32,
    /// How much full shouting adds.
    pub shouting_boost: f32,
    /// How much punctuation bursts add.
    pub punctuation_boost: f32,
    /// How much a burst of messages adds.
    pub rate_boost: f32,
    /// Messages per minute that count as a burst.
    pub rate_per_minute: f32,
    /// Words that aim a phrase at the reader.
    pub second_person: Vec<String>,
    /// Words that aim a phrase at someone else.
    pub third_person: Vec<String>,
    /// Words that negate a following phrase.
    pub negations: Vec<String>,
    /// Words that, right before a phrase, show it describes a thing ("this stupid form").
    pub determiners: Vec<String>,
    /// Subjects that open a clause of their own ("i'll"): a negation before
    /// them belongs to another clause ("if it isn't back, i'll find you").
    pub subjects: Vec<String>,
    /// Words for the writer ("me", "myself"): an insult aimed at them is not
    /// aimed at the reader ("he called me an idiot", "I feel like an idiot").
    pub first_person: Vec<String>,
    /// Linking verbs ("are", "is"): what follows describes their subject
    /// ("your whole team is a bunch of clowns").
    pub copulas: Vec<String>,
    /// Words that may stand between a subject and an insult without changing
    /// whom it describes ("you're *still the same* useless idiots").
    pub fillers: Vec<String>,
    /// Words for a group of people ("people", "team"): "you people are ..."
    /// and "your whole team is ..." are aimed at the reader.
    pub groups: Vec<String>,
    /// Words that say a thing belongs to the reader ("your"): praise slang
    /// after "your <thing> is" describes the thing ("your delivery times are
    /// insane"); an insult there stays aimed at the reader.
    pub possessives: Vec<String>,
    /// Words that introduce a person's name ("Mr. Butts", "Coach Dick Vermeil").
    pub titles: Vec<String>,
    /// Words that open sentences without naming anyone ("You Idiot", "Total
    /// Dick"): a capital on them says nothing about a name after them.
    pub non_names: Vec<String>,
    /// Words before a place's name ("I live in Shitterton").
    pub place_words: Vec<String>,
    /// Slang that praises the thing it describes ("this update is sick", "the
    /// boss is brutal"): said of no one, the context reader does not read it.
    pub praise_slang: Vec<String>,
    /// What may open a sentence before a mild exclamation ("oh crap", "what
    /// the hell"); the empty string stands for nothing at all ("damn, I forgot").
    pub exclamation_openers: Vec<String>,
    /// Endings that make a word a form of the phrase inside it (`suck` in
    /// `suckers`, `bitch` in `bitchy`) rather than a name that happens to
    /// hold it (`Cockermouth`).
    pub derived_endings: Vec<String>,
    /// Words before a phrase searched for a target or negation.
    pub target_window: usize,
}

impl Default for Settings {
    fn default() -> Self {
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect();
        Settings {
            language: "en".into(),
            hostile_threshold: 0.5,
            negation_factor: 0.2,
            untargeted_factor: 0.0,
            shouting_boost: 0.15,
            punctuation_boost: 0.05,
            rate_boost: 0.1,
            rate_per_minute: 8.0,
            second_person: words("you u ya ye your ur yours yourself yourselves you're youre y'all yall you've you'll you'd"),
            third_person: words("he she they him her them his their hes shes he's she's they're theyre"),
            negations: words("not never no isn't aren't wasn't weren't don't doesn't didn't won't can't cannot nobody nothing hardly"),
            determiners: words("this that the these those my our its"),
            subjects: words("i i'll i'm i'd i've we we'll we're we've"),
            first_person: words("i me myself i'm im i've ive i'd id my mine we us ourselves our ours"),
            copulas: words("am is are was were be been being r"),
            fillers: words(
                "a an the still just all such so really truly totally completely absolutely utterly literally honestly \
                 seriously clearly obviously genuinely simply always very pretty quite most biggest worst same like \
                 complete total utter absolute bunch pack load lot group band of nothing but also too both even",
            ),
            groups: words(
                "people guys folks lot all team teams staff crew agents reps devs developers mods moderators admins \
                 employees workers company whole entire every each one of both",
            ),
            possessives: words("your ur yer yur thy"),
            titles: words(
                "mr mrs ms mx miss dr prof professor sir dame lord lady coach captain capt rev judge officer senator \
                 president",
            ),
            non_names: words(
                "you your youre ur u ya yall he she they we it its this that these those the a an what such so oh hey go \
                 get dear and but just total absolute complete big little fucking stupid dumb another typical ugh lol omg",
            ),
            place_words: words("in at from near off to via around outside into of"),
            praise_slang: words("sick brutal wicked savage insane"),
            exclamation_openers: [
                "", "oh", "well", "holy", "ah", "aw", "ugh", "and", "bloody", "oh my", "what the", "what in the",
                "why the", "how the", "where the", "who the", "oh what the", "but",
            ]
            .map(str::to_string)
            .to_vec(),
            derived_endings: words("er ers ed ing ings y ie ies ier iest ish ness ful less ly ery head heads face faces"),
            target_window: 4,
        }
    }
}
