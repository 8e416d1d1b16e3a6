// The bundled action itself (dist/action.js), loaded by dist/index.js.
export { run } from './entrypoints/action.js';
