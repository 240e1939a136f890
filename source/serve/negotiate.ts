/** Which exposition format a scraper asked for in its Accept header. Pure. */
import {type Format} from './registries.js';

interface Offer {
	readonly type: string;
	readonly q: number;
}

function parseAccept(header: string): Offer[] {
	return header.split(',').flatMap(part => {
		const [type, ...parameters] = part.split(';').map(piece => piece.trim().toLowerCase());
		if (!type) {
			return [];
		}
		const qParameter = parameters.find(parameter => parameter.startsWith('q='));
		const q = qParameter === undefined ? 1 : Number(qParameter.slice(2));
		return Number.isFinite(q) ? [{type, q}] : [];
	});
}

/**
 * OpenMetrics when the client names it and likes it at least as well as the text format (as
 * Prometheus does: `application/openmetrics-text;version=1.0.0,...,text/plain;version=0.0.4;q=0.5`);
 * the text format otherwise, which every scraper and curl reads.
 */
export function negotiateFormat(accept: string | undefined): Format {
	if (!accept) {
		return 'prometheus';
	}
	const offers = parseAccept(accept);
	const best = (match: (type: string) => boolean) => Math.max(0, ...offers.filter(offer => match(offer.type)).map(offer => offer.q));
	const openMetrics = best(type => type === 'application/openmetrics-text');
	const text = best(type => type === 'text/plain' || type === 'text/*' || type === '*/*');
	return openMetrics > 0 && openMetrics >= text ? 'openmetrics' : 'prometheus';
}
