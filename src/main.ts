// Only the Node.js check is imported statically: on an unsupported Node a dependency may not even load.
import { exitOnUnsupportedNode } from './infrastructure/runtime/node-version.js';

exitOnUnsupportedNode();
await import('reflect-metadata');
const { runEngine } = await import('./infrastructure/http/run-engine.js');
void runEngine(process.env);
