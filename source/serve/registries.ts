/**
 * The families of the last sample in Prometheus's text format and in OpenMetrics, formatted by
 * prom-client. A registry has one content type, and OpenMetrics renames a counter it formats, so
 * each format has a registry and metrics of its own; both read the same families in collect().
 * Each format is rendered at most once per sample: a scrape is then a cached string.
 */
import {Counter, Gauge, Registry, type RegistryContentType} from 'prom-client';
import {METRICS, type Families, type MetricKey, type MetricSample} from './families.js';

export type Format = 'prometheus' | 'openmetrics';

export const CONTENT_TYPES: Readonly<Record<Format, string>> = {
	prometheus: Registry.PROMETHEUS_CONTENT_TYPE,
	openmetrics: Registry.OPENMETRICS_CONTENT_TYPE,
};

/** A collect() hook: the metric starts again from nothing and takes this sample's values. */
function refill<M extends {reset(): void}>(samples: () => readonly MetricSample[], put: (metric: M, sample: MetricSample) => void) {
	return function (this: M): void {
		this.reset();
		for (const sample of samples()) {
			put(this, sample);
		}
	};
}

function registryOf(format: Format, current: () => Families | undefined): Registry<RegistryContentType> {
	const registry: Registry<RegistryContentType> = new Registry();
	registry.setContentType(format === 'openmetrics' ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE);
	for (const key of Object.keys(METRICS) as MetricKey[]) {
		const {name, help, type, labelNames} = METRICS[key];
		const config = {name, help, labelNames: [...labelNames], registers: [registry]};
		const samples = () => current()?.[key] ?? [];
		if (type === 'counter') {
			// A Counter has no set(): from zero, plus the kernel's total.
			new Counter({...config, collect: refill<Counter>(samples, (counter, sample) => counter.inc(sample.labels, sample.value))});
		} else {
			new Gauge({...config, collect: refill<Gauge>(samples, (gauge, sample) => gauge.set(sample.labels, sample.value))});
		}
	}
	return registry;
}

export class MetricsText {
	#families: Families | undefined;
	#generation = 0;
	readonly #registries: Readonly<Record<Format, Registry<RegistryContentType>>>;
	readonly #cache = new Map<Format, {readonly generation: number; readonly body: Promise<Buffer>}>();

	constructor() {
		this.#registries = {
			prometheus: registryOf('prometheus', () => this.#families),
			openmetrics: registryOf('openmetrics', () => this.#families),
		};
	}

	/** Whether a sample has come: until then there is nothing true to serve. */
	get ready(): boolean {
		return this.#families !== undefined;
	}

	/** A new sample: the next scrape of each format renders it. */
	update(families: Families): void {
		this.#families = families;
		this.#generation++;
	}

	/** The sample in `format`, encoded once: every scrape of the same sample sends the same bytes. */
	render(format: Format): Promise<Buffer> {
		const cached = this.#cache.get(format);
		if (cached?.generation === this.#generation) {
			return cached.body;
		}
		const body = this.#registries[format].metrics().then(text => Buffer.from(text));
		this.#cache.set(format, {generation: this.#generation, body});
		return body;
	}
}
