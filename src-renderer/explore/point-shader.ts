/**
 * Shaders for the point cloud: one disc per item, sized in world units (so points
 * grow as the camera comes closer), with a thumbnail from the slot texture when the
 * point is large enough on screen to show one.
 */
export const pointVertexShader = /* glsl */ `
in vec4 aColor;  // rgb, and in alpha the marks (MARK bits in point-cloud.ts; RGBA8 keeps the attribute in a native format)
in float aSlot;

uniform float uSize;        // world-space diameter
uniform float uPixelScale;  // pixels per world unit at distance 1 (perspective) or absolute (orthographic)
uniform float uOrtho;       // 1 for the orthographic (2-D) camera
uniform float uFlat;        // 1 flattens z (2-D view)
uniform float uMinPx;
uniform float uMaxPx;
uniform float uThumbPx;     // from this on-screen size on, a point shows its thumbnail
uniform float uHover;       // buffer index of the hovered point, -1 for none
uniform float uDimOthers;   // 1 while a selection exists: unselected points fade
uniform float uHideFiltered; // 1: filtered-out points are not drawn; 0: they fade

out vec3 vColor;
out float vSlot;
out float vState;

void main() {
  float marks = floor(aColor.a * 255.0 + 0.5);
  float selected = mod(marks, 2.0);
  float neighbour = mod(floor(marks / 2.0), 2.0);
  float filtered = mod(floor(marks / 4.0), 2.0);
  float focused = mod(floor(marks / 8.0), 2.0);
  vColor = aColor.rgb;
  vSlot = -1.0;
  vState = 0.0;
  if (filtered > 0.5 && uHideFiltered > 0.5) {
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0); // outside the clip volume: not drawn
    gl_PointSize = 0.0;
    return;
  }
  vec3 p = vec3(position.xy, position.z * (1.0 - uFlat));
  vec4 mv = modelViewMatrix * vec4(p, 1.0);
  gl_Position = projectionMatrix * mv;
  float px = uOrtho > 0.5 ? uSize * uPixelScale : uSize * uPixelScale / max(-mv.z, 1e-4);
  float hovered = float(gl_VertexID) == uHover ? 1.0 : 0.0;
  px = clamp(px, uMinPx, uMaxPx);
  px = max(px * (1.0 + 0.8 * hovered + 0.4 * selected + 0.5 * neighbour + focused), max(focused * 26.0, neighbour * 12.0));
  gl_PointSize = px;
  vSlot = px >= uThumbPx ? aSlot : -1.0;
  // 5 focused, 4 neighbour, 3 hovered, 2 faded, 1 selected, 0 plain
  vState = focused > 0.5 ? 5.0 : hovered > 0.5 ? 3.0 : neighbour > 0.5 ? 4.0 : (filtered > 0.5 || (uDimOthers > 0.5 && selected < 0.5)) ? 2.0 : selected;
  // marked points are drawn over the others
  if (vState > 2.5) gl_Position.z -= 0.02 * gl_Position.w;
}
`;

export const pointFragmentShader = /* glsl */ `
precision mediump float;

uniform sampler2D uSlots;
uniform float uSlotsPerRow;

in vec3 vColor;
in float vSlot;
in float vState;

layout(location = 0) out vec4 fragColor;

const vec3 FOCUS = vec3(1.0, 0.84, 0.2);
const vec3 NEIGHBOUR = vec3(1.0, 0.45, 0.85);

void main() {
  vec2 c = gl_PointCoord - 0.5;
  if (vSlot >= 0.0) {
    // Thumbnail: a square tile framed by the point's colour (or its mark).
    float edge = max(abs(c.x), abs(c.y));
    if (edge > 0.44) { fragColor = vec4(vState > 4.5 ? FOCUS : vState > 3.5 ? NEIGHBOUR : vState > 2.5 ? vec3(1.0) : vColor, 1.0); return; }
    vec2 cell = vec2(mod(vSlot, uSlotsPerRow), floor(vSlot / uSlotsPerRow));
    vec2 uv = (cell + (c / 0.88 + 0.5)) / uSlotsPerRow;
    fragColor = vec4(texture(uSlots, uv).rgb * (vState > 1.5 && vState < 2.5 ? 0.4 : 1.0), 1.0);
    return;
  }
  float r2 = dot(c, c);
  if (r2 > 0.25) discard;
  vec3 col = vColor;
  if (vState > 4.5) col = r2 > 0.2 ? vec3(0.0) : r2 > 0.07 ? FOCUS : col;             // focused: thick gold ring, dark rim
  else if (vState > 3.5) col = r2 > 0.12 ? NEIGHBOUR : col;                          // neighbour: pink ring
  else if (vState > 2.5) col = mix(col, vec3(1.0), 0.35 + 0.65 * step(0.12, r2));  // hovered: white ring
  else if (vState > 1.5) col = mix(col, vec3(0.5), 0.75);                          // faded
  else if (vState > 0.5) col = mix(col, vec3(1.0), step(0.16, r2));                // selected: white rim
  fragColor = vec4(col, 1.0);
}
`;
