import type { Locale } from '../../shared/i18n/locale.ts';

/** A page that only says what happened and what to do next. */
export interface MessageText {
  readonly title: string;
  readonly body: string;
}

/** The words of sign-in, sign-out and the console's error pages, in each language. */
export interface AuthText {
  readonly signIn: {
    readonly title: string;
    readonly intro: string;
    readonly apiKey: string;
    readonly apiKeyHint: string;
    readonly submit: string;
    readonly errorSummary: string;
    readonly missingKey: string;
    readonly invalidKey: string;
    readonly signedOut: string;
  };
  /** GET or POST that needs a session and has none. */
  readonly sessionEnded: MessageText;
  readonly signInAgain: string;
  /** A POST whose CSRF token is missing or wrong. */
  readonly staleForm: MessageText;
  /** A POST the browser says came from another site. */
  readonly crossSite: MessageText;
  /** A body that is not a form of ours (wrong media type, bad encoding, too large, repeated field). */
  readonly unreadableForm: MessageText;
  readonly throttled: (seconds: number) => MessageText;
  readonly unavailable: MessageText;
  readonly internalError: MessageText;
  readonly backToConsole: string;
  /** The page that reloads a navigation from another site as a same-site one. */
  readonly opening: { readonly title: string; readonly link: string };
}

export const AUTH_TEXT: Record<Locale, AuthText> = {
  en: {
    signIn: {
      title: 'Sign in',
      intro: 'Sign in to the partner console with your API key to create and track purchase offers.',
      apiKey: 'API key',
      apiKeyHint:
        'The key starts with pok_. Your organisation’s administrator issues keys; ask them for one issued in your name.',
      submit: 'Sign in',
      errorSummary: 'There is a problem',
      missingKey: 'Enter your API key',
      invalidKey: 'This API key is not valid. Check that you copied all of it, or ask for a new one.',
      signedOut: 'You have signed out.',
    },
    sessionEnded: {
      title: 'Your session has ended',
      body: 'For your security you were signed out. Sign in again to continue; nothing was changed.',
    },
    signInAgain: 'Sign in again',
    staleForm: {
      title: 'This form has expired',
      body: 'Nothing was changed. Go back, reload the page and send the form again.',
    },
    crossSite: {
      title: 'This request was refused',
      body: 'The form was sent from another website, so nothing was changed.',
    },
    unreadableForm: {
      title: 'The form could not be read',
      body: 'Nothing was changed. Go back, reload the page and send the form again.',
    },
    throttled: (seconds) => ({
      title: 'Too many sign-in attempts',
      body: `Wait ${seconds} seconds, then try again.`,
    }),
    unavailable: {
      title: 'The console is unavailable for a moment',
      body: 'Nothing was lost. Try again in a few seconds.',
    },
    internalError: {
      title: 'Something went wrong',
      body: 'Please try again in a moment.',
    },
    backToConsole: 'Back to the console',
    opening: { title: 'Opening the console…', link: 'Continue to the console' },
  },
  'pt-BR': {
    signIn: {
      title: 'Entrar',
      intro: 'Entre no console do parceiro com a sua chave de API para criar e acompanhar ofertas de compra.',
      apiKey: 'Chave de API',
      apiKeyHint:
        'A chave começa com pok_. O administrador da sua organização emite as chaves; peça uma emitida em seu nome.',
      submit: 'Entrar',
      errorSummary: 'Há um problema',
      missingKey: 'Digite a sua chave de API',
      invalidKey: 'Esta chave de API não é válida. Confira se copiou a chave inteira ou peça uma nova.',
      signedOut: 'Você saiu do console.',
    },
    sessionEnded: {
      title: 'A sua sessão terminou',
      body: 'Por segurança, você foi desconectado. Entre novamente para continuar; nada foi alterado.',
    },
    signInAgain: 'Entrar novamente',
    staleForm: {
      title: 'Este formulário expirou',
      body: 'Nada foi alterado. Volte, recarregue a página e envie o formulário novamente.',
    },
    crossSite: {
      title: 'Esta solicitação foi recusada',
      body: 'O formulário foi enviado de outro site, por isso nada foi alterado.',
    },
    unreadableForm: {
      title: 'Não foi possível ler o formulário',
      body: 'Nada foi alterado. Volte, recarregue a página e envie o formulário novamente.',
    },
    throttled: (seconds) => ({
      title: 'Tentativas de entrada demais',
      body: `Aguarde ${seconds} segundos e tente novamente.`,
    }),
    unavailable: {
      title: 'O console está indisponível no momento',
      body: 'Nada foi perdido. Tente novamente em alguns segundos.',
    },
    internalError: {
      title: 'Algo deu errado',
      body: 'Tente novamente em instantes.',
    },
    backToConsole: 'Voltar ao console',
    opening: { title: 'Abrindo o console…', link: 'Continuar para o console' },
  },
};
