/**
 * The bundle's stand-in for react-devtools-core: Ink only loads devtools when DEV=true, but a
 * bundle would otherwise import the package (not installed) at start-up.
 */
const devtools = {
	initialize(): void {},
	connectToDevTools(): void {},
};

export default devtools;
