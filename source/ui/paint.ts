/**
 * Styles for text drawn as one string, where a nested <Text color> per piece would cost Ink a node
 * each frame: chalk, as Ink's own colours use, so both follow the same colour support.
 */
import chalk, {foregroundColorNames, type ForegroundColorName} from 'chalk';

const COLOR_NAMES: ReadonlySet<string> = new Set(foregroundColorNames);

function isColorName(color: string): color is ForegroundColorName {
	return COLOR_NAMES.has(color);
}

/** `text` in a theme's colour; unchanged for none (NO_COLOR) or a name chalk does not know. */
export function paint(text: string, color: string | undefined): string {
	return color !== undefined && isColorName(color) ? chalk[color](text) : text;
}

export function inverse(text: string): string {
	return chalk.inverse(text);
}
