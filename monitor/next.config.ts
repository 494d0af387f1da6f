import type { NextConfig } from 'next';

// A static export (out/): the gateway serves these files at `/`; no Node server at run time.
const nextConfig: NextConfig = {
  output: 'export',
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
  devIndicators: false,
  // The gateway serves out/ at the root, so assets are absolute from `/`.
  trailingSlash: false,
};

export default nextConfig;
