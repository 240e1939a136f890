/** A frame as a person reads it: without SGR codes (the selection's inverse video is written even without colours). */
export function withoutStyles(text: string | undefined): string {
	return (text ?? '').replaceAll(/\u001B\[\d*m/g, '');
}
