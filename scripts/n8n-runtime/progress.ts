// Long steps say what they are doing and how far along they are: a line when a step starts, a heartbeat while it
// runs (every HEARTBEAT_MS, so a slow step can be told from a hung one), and a line with the elapsed time when it
// ends. Lines go to stderr directly (jest does not buffer it, and scripts keep stdout for their results).
// M365_PROGRESS=0 silences them.

const HEARTBEAT_MS = 15_000;

export type ProgressSink = (line: string) => void;

let sink: ProgressSink = (line) => {
	if (process.env.M365_PROGRESS !== '0') process.stderr.write(`${line}\n`);
};

/** Routes progress lines elsewhere (the demo prints them in its own voice); returns the previous sink. */
export function setProgressSink(next: ProgressSink): ProgressSink {
	const previous = sink;
	sink = next;
	return previous;
}

export function progress(line: string): void {
	sink(line);
}

export function formatElapsed(ms: number): string {
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.floor(seconds / 60);
	return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export interface StepOptions {
	/** what the heartbeat adds to "still <label>", e.g. the log file to watch */
	detail?: () => string | undefined;
	heartbeatMs?: number;
	/** print nothing for a step that ends before its first heartbeat (for steps that are usually quick) */
	quietUnlessSlow?: boolean;
}

/**
 * Runs one long step: "▸ label ..." at the start, "  … still label (1 min 15 s)" while it runs, and
 * "✓ label (2 min 3 s)" or "✗ label failed after 40 s" at the end.
 */
export async function step<T>(label: string, work: () => Promise<T>, options: StepOptions = {}): Promise<T> {
	const started = Date.now();
	let shown = !options.quietUnlessSlow;
	if (shown) sink(`▸ ${label} ...`);
	const timer = setInterval(() => {
		shown = true;
		const detail = options.detail?.();
		sink(`  … still ${label} (${formatElapsed(Date.now() - started)}${detail ? `; ${detail}` : ''})`);
	}, options.heartbeatMs ?? HEARTBEAT_MS);
	timer.unref();
	try {
		const result = await work();
		if (shown) sink(`✓ ${label} (${formatElapsed(Date.now() - started)})`);
		return result;
	} catch (error) {
		if (shown) sink(`✗ ${label} failed after ${formatElapsed(Date.now() - started)}`);
		throw error;
	} finally {
		clearInterval(timer);
	}
}
