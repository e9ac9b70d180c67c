<?xml version="1.0" encoding="utf-8"?>{% load i18n static %}
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/">
    <html lang="{{ page_language }}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="/rss/channel/title | /atom:feed/atom:title"/></title>
        <link rel="stylesheet" href="{% static 'css/feed.css' %}"/>
      </head>
      <body>
        <main class="feed-page">
          <p class="feed-page__about">{% translate "This is a news feed. Copy its address into a feed reader to follow the Committee's news as it is published; you need nothing else." %}</p>
          <h1><xsl:value-of select="/rss/channel/title | /atom:feed/atom:title"/></h1>
          <p><a href="{% url 'news:home' %}">{% translate "Go to the news site" %}</a></p>
          <ul class="feed-page__items">
            <xsl:for-each select="/rss/channel/item | /atom:feed/atom:entry">
              <li>
                <xsl:if test="@xml:lang"><xsl:attribute name="lang"><xsl:value-of select="@xml:lang"/></xsl:attribute></xsl:if>
                <a>
                  <xsl:attribute name="href"><xsl:value-of select="link | atom:link[@rel='alternate']/@href"/></xsl:attribute>
                  <xsl:value-of select="title | atom:title"/>
                </a>
                <p><xsl:value-of select="description | atom:summary"/></p>
              </li>
            </xsl:for-each>
          </ul>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
