/** Renderer strings of software GL: WebGL there is slower than xterm.js's DOM renderer. */
const software = /swiftshader|llvmpipe|softpipe|software|basic render|mesa offscreen/i;

/**
 * Whether xterm.js should use its WebGL renderer: only with a real GPU. The DOM renderer is the
 * default; a WebGL context that reports a software rasterizer (SwiftShader, llvmpipe) or none
 * at all keeps it.
 */
export function shouldUseWebgl(rendererName: string | null): boolean {
  return rendererName !== null && rendererName !== '' && !software.test(rendererName);
}

/** The GL renderer string of this machine, or null when WebGL is unavailable. */
export function probeWebglRenderer(): string | null {
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (gl === null) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name: unknown = gl.getParameter(
      info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL,
    );
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}
