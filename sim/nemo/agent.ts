import type { Sim } from "./context";
import { generateVideoTrack, TT, totalMs, tracks } from "./draft";
import { applyEdit } from "./edit";
import {
  asksToRemoveExtras,
  describeExtras,
  type PostProduction,
  pickExtras,
  postProduce,
  removeExtras,
} from "./post-production";
import { HEARTBEAT_FORMS, type TurnEvent } from "./sse";
import type { Session } from "./state";

/** One moment of a turn: wait `delay` simulated ms, then run (may change the draft) and maybe emit. */
export interface Step {
  delay: number;
  run: () => TurnEvent | undefined;
}

export type TurnKind = "generation" | "edit" | "text";

const STRONG_GEN =
  /\b(generate|create|tiktok|reel|new video|turn (?:my|these|the) (?:photos|pictures|images|clips|videos)? ?into)\b|\bmake (?:a|an|me a|me an)\b.*\b(video|clip|slideshow|reel)\b/;
const EDIT =
  /\b(title|heading|bigger|larger|smaller|font|colou?r|music|bgm|song|soundtrack|captions?|subtitles?|faster|slower|speed|change|add|remove|delete|louder|quieter|trim|shorter|longer)\b/;
const WEAK_GEN = /\b(make|video|clip|slideshow)\b/;

/** Which default behaviour a message gets (README: "Default turns"). */
export function classify(text: string, session: Session): TurnKind {
  const lower = text.toLowerCase();
  if (STRONG_GEN.test(lower)) return "generation";
  if (EDIT.test(lower)) return "edit";
  if (lower.trim().endsWith("?")) return "text";
  const empty = tracks(session.draft).every((t) => (t.sg ?? []).length === 0);
  return WEAK_GEN.test(lower) && empty ? "generation" : "text";
}

/** Heartbeats every 10 simulated seconds while a tool runs, cycling through the three forms. */
function waitWithHeartbeats(totalMs: number, counter: { n: number }): Step[] {
  const steps: Step[] = [];
  let left = totalMs;
  while (left > 10_000) {
    const form = HEARTBEAT_FORMS[counter.n++ % HEARTBEAT_FORMS.length] ?? "comment";
    steps.push({ delay: 10_000, run: () => ({ kind: "heartbeat", form }) });
    left -= 10_000;
  }
  steps.push({ delay: left, run: () => undefined });
  return steps;
}

export function planTurn(sim: Sim, session: Session, text: string, kind: TurnKind): Step[] {
  const steps =
    kind === "generation"
      ? generation(sim, session, text)
      : kind === "edit"
        ? edit(sim, session, text)
        : reply(sim, session, text);
  if (sim.rng.chance(sim.config.temporaryIssueRate)) {
    const issue = sim.rng.pick(TEMPORARY_ISSUES);
    steps.push({ delay: 800, run: () => ({ kind: "text", text: issue }) });
  }
  return steps;
}

/** The trailing texts the real agent now and then sends after otherwise normal output (§4.4). */
const TEMPORARY_ISSUES = [
  "I encountered a temporary issue, but your project has been saved.",
  "I encountered a temporary issue. Please try again if anything looks off.",
  "Sorry, I ran into a temporary issue while finishing up.",
];

function generation(sim: Sim, session: Session, text: string): Step[] {
  const { rng } = sim;
  const beats = { n: 0 };
  const genId = `adk-${rng.uuid()}`;
  const editId = `adk-${rng.uuid()}`;
  const uploads = session.uploads.length - session.consumedUploads;
  let media = { media: 0, totalMs: 0 };
  let post: PostProduction = {};
  // Decided up front so the seeded sequence does not depend on timing.
  const extras = pickExtras(sim);
  const clipUrl = `${sim.url}/generated/${rng.hex(16)}.mp4`;
  // The raw clip's URL is in the tool result about half the time; it is always in `generated_media` (§5).
  const urlInResult = rng.chance(0.5);
  const silentPost = rng.chance(sim.config.silentEditRate);
  const words = describeExtras({}, extras);
  return [
    {
      delay: 1_500,
      run: () => ({
        kind: "tool_call",
        id: genId,
        name: "generate_video_with_seedance",
        args: { prompt: text, aspect_ratio: "9:16", reference_media: uploads },
        thought: "The user wants a short vertical video. I will generate the raw clip first, then post-produce it.",
      }),
    },
    ...waitWithHeartbeats(rng.int(100, 300) * 1_000, beats),
    {
      delay: 0,
      run: () => {
        const known = session.generatedMedia.length;
        media = generateVideoTrack(session, rng, text);
        // The raw clip is served by the simulator (sim/nemo/generated.ts). A generation without uploads
        // already listed its clip: it gets the served URL, in the draft too, so both name the same clip.
        const listed = session.generatedMedia[known];
        if (listed) {
          for (const s of tracks(session.draft).find((t) => t.tt === TT.video)?.sg ?? []) {
            if (s.m?.src === listed.url) s.m = { ...s.m, src: clipUrl };
          }
          listed.url = clipUrl;
        } else session.generatedMedia.push(rawClip(clipUrl, media.totalMs));
        return {
          kind: "tool_result",
          id: genId,
          name: "generate_video_with_seedance",
          result: {
            status: "success",
            duration: media.totalMs / 1000,
            ...(urlInResult ? { video_url: clipUrl } : {}),
          },
        };
      },
    },
    {
      delay: 1_000,
      run: () => {
        const from =
          media.media > 0 ? ` made from your ${media.media} uploaded file${media.media === 1 ? "" : "s"}` : "";
        return {
          kind: "text",
          text: `Here is your raw clip: a ${media.totalMs / 1000}-second vertical video${from}. Now I'm adding ${words.planned}.`,
        };
      },
    },
    {
      delay: 1_500,
      run: () => ({
        kind: "tool_call",
        id: editId,
        name: "edit_multitrack",
        args: {
          operations: extras.map((extra) =>
            extra === "bgm"
              ? { action: "add_bgm", name: "Lo-fi Beats", volume: 0.35 }
              : extra === "title"
                ? { action: "add_title", start: 0, end: 3 }
                : { action: "add_effect" },
          ),
        },
      }),
    },
    ...waitWithHeartbeats(rng.int(10, 30) * 1_000, beats),
    {
      delay: 0,
      run: () => {
        post = postProduce(session, rng, text, extras);
        return {
          kind: "tool_result",
          id: editId,
          name: "edit_multitrack",
          result: { status: "success", tracks_added: extras.length },
        };
      },
    },
    // Post-production is an edit_multitrack run: like other edits it sometimes ends without text (§4.4).
    ...(silentPost
      ? []
      : [
          {
            delay: 1_000,
            run: (): TurnEvent => ({
              kind: "text",
              text: `I added ${describeExtras(post, extras).finished}. Click the Export button to download your video, or open the timeline panel to preview it.`,
            }),
          },
        ]),
  ];
}

const rawClip = (url: string, ms: number) => ({
  type: "video",
  tool: "generate_video_with_seedance",
  url,
  duration: ms / 1000,
});

const GUI_TAILS = [
  "",
  " Preview in timeline to see the result.",
  " You can drag the clip to adjust its position on the timeline.",
];

function edit(sim: Sim, session: Session, text: string): Step[] {
  const { rng } = sim;
  const id = `adk-${rng.uuid()}`;
  // Decided up front so the seeded sequence does not depend on timing.
  const silent = rng.chance(sim.config.silentEditRate);
  const tail = rng.pick(GUI_TAILS);
  let changes: string[] = [];
  const steps: Step[] = [
    { delay: 1_500, run: () => ({ kind: "tool_call", id, name: "edit_multitrack", args: { instruction: text } }) },
    ...waitWithHeartbeats(rng.int(10, 30) * 1_000, { n: 0 }),
    {
      delay: 0,
      run: () => {
        changes = asksToRemoveExtras(text) ? removeExtras(session) : applyEdit(session.draft, text, rng);
        return { kind: "tool_result", id, name: "edit_multitrack", result: { status: "success", changes } };
      },
    },
  ];
  if (!silent) steps.push({ delay: 800, run: () => ({ kind: "text", text: `${changes.join(" ")}${tail}` }) });
  return steps;
}

function reply(sim: Sim, session: Session, text: string): Step[] {
  const { rng } = sim;
  const videoTracks = tracks(session.draft).filter((t) => t.tt === TT.video && (t.sg ?? []).length > 0).length;
  const answer =
    videoTracks > 0
      ? `Your project has ${tracks(session.draft).length} tracks and runs ${(totalMs(session.draft) / 1000).toFixed(1)} seconds. Open the timeline panel to preview it, or tell me what to change.`
      : /\b(hi|hello|hey)\b/i.test(text)
        ? "Hi! I can turn your photos and clips into short vertical videos with music, titles and captions. What would you like to make?"
        : "Good question! I can generate videos from a description or your uploads, then add music, titles, captions and effects. Tell me what you'd like.";
  const thought = rng.chance(0.5) ? "The user is asking a question; no tool is needed." : undefined;
  return [
    { delay: rng.int(5, 15) * 1_000, run: () => ({ kind: "text", text: answer, ...(thought ? { thought } : {}) }) },
  ];
}
