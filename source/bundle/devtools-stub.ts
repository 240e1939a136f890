/**
 * The bundle's stand-in for react-devtools-core, and for ws, which only Ink's devtools imports:
 * Ink only loads devtools when DEV=true, but a bundle would otherwise import the package (not
 * installed) at start-up, and carry ws's 48 KB of source in every process.
 */
const devtools = {
	initialize(): void {},
	connectToDevTools(): void {},
};

export default devtools;
