/**
 * Anchor for section 4: the least a monitor written with Ink can cost. Node with React and Ink
 * loaded (bundled and started as xdptop is), drawing one line that changes every second, as a
 * monitor ticks. What xdptop costs above it is xdptop's own.
 */
import {Text, render, useApp, useInput} from 'ink';
import React, {useEffect, useState} from 'react';

function Ticking(): React.JSX.Element {
	const [ticks, setTicks] = useState(0);
	const {exit} = useApp();
	useInput(input => {
		if (input === 'q') {
			exit();
		}
	});
	useEffect(() => {
		const timer = setInterval(() => {
			setTicks(count => count + 1);
		}, 1000);
		return () => {
			clearInterval(timer);
		};
	}, []);
	return <Text>READY {ticks}</Text>;
}

render(<Ticking />);
