// upng-js ships no types; only what thumbnail.ts uses.
declare module "upng-js" {
  type Image = { width: number; height: number };
  const UPNG: {
    decode(buffer: ArrayBuffer): Image;
    toRGBA8(image: Image): ArrayBuffer[];
    encode(frames: ArrayBuffer[], width: number, height: number, colors: number): ArrayBuffer;
  };
  export default UPNG;
}
