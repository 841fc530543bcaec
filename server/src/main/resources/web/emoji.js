// Feishu emoji keys usable as :KEY: in card markdown (card-json-v2.md Appendix B), with a Unicode look-alike where
// one exists. Keys without a look-alike render as a small labelled pill.

const GLYPHS = {
  OK: '👌', THUMBSUP: '👍', THANKS: '🙏', MUSCLE: '💪', FINGERHEART: '🫰', APPLAUSE: '👏', FISTBUMP: '🤜', JIAYI: '➕',
  DONE: '✅', SMILE: '😊', BLUSH: '😊', LAUGH: '😄', SMIRK: '😏', LOL: '😂', FACEPALM: '🤦', LOVE: '😍', WINK: '😉',
  PROUD: '😌', WITTY: '😎', SMART: '🤓', SCOWL: '😠', THINKING: '🤔', SOB: '😭', CRY: '😢', ERROR: '❗',
  NOSEPICK: '🤏', HAUGHTY: '😤', SLAP: '👋', SPITBLOOD: '🤮', TOASTED: '🥴', GLANCE: '👀', DULL: '😑',
  INNOCENTSMILE: '😇', JOYFUL: '😆', WOW: '😮', TRICK: '😜', YEAH: '✌️', ENOUGH: '✋', TEARS: '🥲',
  EMBARRASSED: '😳', KISS: '😘', SMOOCH: '😚', DROOL: '🤤', OBSESSED: '🥰', MONEY: '🤑', TEASE: '😛', SHOWOFF: '😎',
  COMFORT: '🤗', CLAP: '👏', PRAISE: '👍', STRIVE: '💪', XBLUSH: '☺️', SILENT: '🤐', WAVE: '👋', WHAT: '❓',
  FROWN: '☹️', SHY: '🙈', DIZZY: '😵', LOOKDOWN: '🙄', CHUCKLE: '😁', WAIL: '😫', CRAZY: '🤪', WHIMPER: '🥺',
  HUG: '🤗', BLUBBER: '😭', WRONGED: '🥺', HUSKY: '🐺', SHHH: '🤫', SMUG: '😏', ANGRY: '😡', HAMMER: '🔨',
  SHOCKED: '😱', TERROR: '😨', PETRIFIED: '😧', SKULL: '💀', SWEAT: '😓', SPEECHLESS: '😶', SLEEP: '😴',
  DROWSY: '😪', YAWN: '🥱', SICK: '🤒', PUKE: '🤮', BETRAYED: '💔', HEADSET: '🎧', EatingFood: '🍽️', MeMeMe: '🙋',
  Sigh: '😮‍💨', Typing: '⌨️', Lemon: '🍋', Get: '👌', LGTM: '👍', OnIt: '🏃', OneSecond: '☝️', VRHeadset: '🥽',
  YouAreTheBest: '🏆', SALUTE: '🫡', SHAKE: '🤝', HIGHFIVE: '🙌', UPPERLEFT: '↖️', ThumbsDown: '👎', SLIGHT: '🙂',
  TONGUE: '😛', EYESCLOSED: '😌', RoarForYou: '📣', CALF: '🐮', BEAR: '🐻', BULL: '🐂', RAINBOWPUKE: '🌈',
  ROSE: '🌹', HEART: '❤️', PARTY: '🎉', LIPS: '👄', BEER: '🍺', CAKE: '🎂', GIFT: '🎁', CUCUMBER: '🥒',
  Drumstick: '🍗', Pepper: '🌶️', CANDIEDHAWS: '🍡', BubbleTea: '🧋', Coffee: '☕', Yes: '✅', No: '❌', OKR: '🎯',
  CheckMark: '✔️', CrossMark: '❌', MinusOne: '➖', Hundred: '💯', AWESOMEN: '👍', Pin: '📌', Alarm: '⏰',
  Loudspeaker: '📢', Trophy: '🏆', Fire: '🔥', BOMB: '💣', Music: '🎵', XmasTree: '🎄', Snowman: '⛄',
  XmasHat: '🎅', FIREWORKS: '🎆', REDPACKET: '🧧', FORTUNE: '💰', LUCK: '🍀', FIRECRACKER: '🧨',
  StickyRiceBalls: '🍡', HEARTBROKEN: '💔', POOP: '💩', StatusFlashOfInspiration: '💡', CLEAVER: '🔪',
  Soccer: '⚽', Basketball: '🏀', GeneralDoNotDisturb: '⛔', Status_PrivateMessage: '💬', GeneralInMeetingBusy: '📅',
  StatusReading: '📖', StatusInFlight: '✈️', GeneralBusinessTrip: '🧳', GeneralWorkFromHome: '🏠',
  StatusEnjoyLife: '🌴', GeneralTravellingCar: '🚗', StatusBus: '🚌', GeneralSun: '☀️', GeneralMoonRest: '🌙',
  MoonRabbit: '🐰', Mooncake: '🥮', JubilantRabbit: '🐇', TV: '📺', Movie: '🎬', Pumpkin: '🎃', BeamingFace: '😁',
  Delighted: '😃', ColdSweat: '😰', FullMoonFace: '🌝', Partying: '🥳', GoGoGo: '🚀', ThanksFace: '🙏',
  SaluteFace: '🫡', Shrug: '🤷', ClownFace: '🤡', HappyDragon: '🐲',
};

const TEXT_ONLY = ['2022', '18X'];

/** All keys the markdown dialect accepts as :KEY:. */
export const EMOJI_KEYS = Object.freeze(new Set([...Object.keys(GLYPHS), ...TEXT_ONLY]));

/** The Unicode look-alike of a key, or null when it has none (rendered as a labelled pill). */
export function emojiGlyph(key) {
  return Object.prototype.hasOwnProperty.call(GLYPHS, key) ? GLYPHS[key] : null;
}

/** Whether `partial` could still grow into a known key (used to hold back a half-typed :KEY). */
export function isEmojiKeyPrefix(partial) {
  if (partial === '') return true;
  for (const key of EMOJI_KEYS) if (key.startsWith(partial)) return true;
  return false;
}
