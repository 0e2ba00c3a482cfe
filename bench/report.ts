/**
 * Gathers every benchmark's bench/results/<name>.json into bench/results/latest.md and a chart
 * (bench/results/latest.png): Graph requests, wall time and peak memory of each job, next to the naive way
 * (one call per item, as n8n's HTTP Request node makes them) measured on the same emulator in the same run.
 *
 * A result file has `jobs: [{ job, ours, naive?, note? }]` (see docs/ARCHITECTURE.md); older single-job files
 * with top-level `ours` / `naive` are read too.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface BenchSide {
	graphRequests?: number;
	requests?: number;
	httpRequests?: number;
	subRequests?: number;
	wallMs?: number;
	peakRssMb?: number;
}

interface BenchJob {
	job: string;
	ours: BenchSide;
	naive?: BenchSide;
	note?: string;
}

interface BenchFile {
	scenario?: string;
	jobs?: BenchJob[];
	ours?: BenchSide;
	naive?: BenchSide;
	secondRun?: BenchSide;
}

const RESULTS = join(__dirname, 'results');

export function requestsOf(side: BenchSide | undefined): number | undefined {
	return side?.graphRequests ?? side?.requests ?? side?.httpRequests;
}

export function jobsOf(name: string, file: BenchFile): BenchJob[] {
	if (Array.isArray(file.jobs)) return file.jobs;
	const jobs: BenchJob[] = [];
	if (file.ours) jobs.push({ job: file.scenario ? `${name}: ${file.scenario}` : name, ours: file.ours, naive: file.naive });
	if (file.secondRun) jobs.push({ job: `${name}: second run (no changes)`, ours: file.secondRun });
	// Scenario objects: { <scenario>: { ours, naive | httpRequestNode, note? } }
	for (const [key, value] of Object.entries(file as Record<string, unknown>)) {
		const scenario = value as { ours?: BenchSide & { delivered?: number }; naive?: BenchSide; httpRequestNode?: BenchSide & { delivered?: number }; note?: string };
		if (!scenario || typeof scenario !== 'object' || !scenario.ours || key === 'ours') continue;
		const naive = scenario.naive ?? scenario.httpRequestNode;
		const delivered =
			scenario.ours.delivered !== undefined
				? `delivered: ours ${scenario.ours.delivered}${scenario.httpRequestNode?.delivered !== undefined ? `, naive ${scenario.httpRequestNode.delivered}` : ''}`
				: undefined;
		jobs.push({ job: `${name}: ${key}`, ours: scenario.ours, naive, note: [delivered, scenario.note].filter(Boolean).join('; ') || undefined });
	}
	return jobs;
}

function ratio(naive: number | undefined, ours: number | undefined): string {
	if (naive === undefined || ours === undefined) return '—';
	if (ours === 0) return naive === 0 ? '1×' : '∞';
	const r = naive / ours;
	return `${r >= 10 ? Math.round(r) : r.toFixed(1)}×`;
}

const fmt = (n: number | undefined, unit = '') => (n === undefined ? '—' : `${Math.round(n).toLocaleString('en-US')}${unit}`);

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Horizontal bars, log scale: Graph requests of ours and of the naive way per job. */
function chartSvg(jobs: BenchJob[]): string {
	const rowHeight = 46;
	const left = 330;
	const width = 980;
	const height = 70 + jobs.length * rowHeight;
	const max = Math.max(10, ...jobs.flatMap((j) => [requestsOf(j.ours) ?? 0, requestsOf(j.naive) ?? 0]));
	const scale = (n: number) => ((width - left - 90) * Math.log10(Math.max(1, n) + 1)) / Math.log10(max + 1);
	const bars = jobs
		.map((job, i) => {
			const y = 50 + i * rowHeight;
			const ours = requestsOf(job.ours) ?? 0;
			const naive = requestsOf(job.naive);
			const label = escapeXml(job.job.length > 42 ? `${job.job.slice(0, 41)}…` : job.job);
			return [
				`<text x="${left - 10}" y="${y + 16}" text-anchor="end" font-size="13">${label}</text>`,
				`<rect x="${left}" y="${y}" width="${scale(ours).toFixed(1)}" height="16" fill="#0078d4"/>`,
				`<text x="${left + scale(ours) + 6}" y="${y + 13}" font-size="12">${fmt(ours)}</text>`,
				naive === undefined
					? ''
					: `<rect x="${left}" y="${y + 19}" width="${scale(naive).toFixed(1)}" height="16" fill="#c8c6c4"/><text x="${left + scale(naive) + 6}" y="${y + 32}" font-size="12">${fmt(naive)} (naive)</text>`,
			].join('');
		})
		.join('\n');
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="20" y="28" font-size="17" font-weight="bold">Graph requests per job (log scale): this package (blue) vs one call per item (grey)</text>
${bars}
</svg>`;
}

async function writeChart(svg: string, path: string): Promise<boolean> {
	try {
		const { Resvg } = await import('@resvg/resvg-js');
		const fontFiles = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'].filter((f) => existsSync(f));
		const png = new Resvg(svg, { font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
		writeFileSync(path, png);
		return true;
	} catch (error) {
		process.stderr.write(`chart not written: ${(error as Error).message}\n`);
		return false;
	}
}

export async function buildReport(): Promise<void> {
	const files = existsSync(RESULTS) ? readdirSync(RESULTS).filter((f) => f.endsWith('.json') && !f.startsWith('latest')) : [];
	const rows: string[] = [];
	const allJobs: BenchJob[] = [];
	const notes: string[] = [];
	for (const file of files.sort()) {
		const name = file.replace(/\.json$/, '');
		const data = JSON.parse(readFileSync(join(RESULTS, file), 'utf8')) as BenchFile;
		if (data.scenario) notes.push(`- **${name}**: ${data.scenario}`);
		for (const job of jobsOf(name, data)) {
			allJobs.push(job);
			const ours = requestsOf(job.ours);
			const naive = requestsOf(job.naive);
			rows.push(
				`| ${job.job} | ${fmt(ours)} | ${fmt(naive)} | ${ratio(naive, ours)} | ${fmt(job.ours.wallMs, ' ms')} | ${fmt(job.naive?.wallMs, ' ms')} | ${ratio(job.naive?.wallMs, job.ours.wallMs)} | ${fmt(job.ours.peakRssMb, ' MB')} | ${fmt(job.naive?.peakRssMb, ' MB')} |`,
			);
			if (job.note) notes.push(`- *${job.job}*: ${job.note}`);
		}
	}
	const chartWritten = allJobs.length > 0 && (await writeChart(chartSvg(allJobs), join(RESULTS, 'latest.png')));
	const markdown = [
		'# Benchmark results',
		'',
		`Run ${new Date().toISOString()} on ${process.platform}/${process.arch}, Node ${process.version}, against the built-in emulator. `,
		'"Naive" is the same job done the way a workflow with n8n\'s HTTP Request node does it: one Graph call per item.',
		'Requests count top-level HTTP requests to Graph (a `$batch` of 20 counts once).',
		'',
		'| Job | Graph requests | Naive requests | Ratio | Wall time | Naive wall time | Ratio | Peak RSS | Naive peak RSS |',
		'|---|---:|---:|---:|---:|---:|---:|---:|---:|',
		...rows,
		'',
		...(notes.length ? ['## Scenarios and notes', '', ...notes, ''] : []),
		...(chartWritten ? ['![Graph requests per job](latest.png)', ''] : []),
	].join('\n');
	writeFileSync(join(RESULTS, 'latest.md'), markdown);
	process.stdout.write(markdown);
}

if (require.main === module) {
	buildReport().catch((error: Error) => {
		process.stderr.write(`${error.stack}\n`);
		process.exit(1);
	});
}
