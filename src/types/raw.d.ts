declare module '*.md?raw' {
  const text: string;
  export default text;
}

declare module '*.yml?raw' {
  const text: string;
  export default text;
}

declare module '*.cjs?raw' {
  const text: string;
  export default text;
}
