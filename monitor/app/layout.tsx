import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'smsim monitor',
  description: 'Live figures of the smsim SMS alert gateway: messages sent, failed, timing, senders and Kafka.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f4f6f9' },
    { media: '(prefers-color-scheme: dark)', color: '#0d1117' },
  ],
};

// Applies a theme chosen earlier before the first paint (no light flash on a dark page).
const themeScript = `try{var t=localStorage.getItem('smsim-theme');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to the figures
        </a>
        {children}
      </body>
    </html>
  );
}
